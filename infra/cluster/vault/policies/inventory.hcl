# inventory: read its own secrets (KV v2 mount "shop", keys inventory/...) and the public token keys; nothing else.
path "shop/data/inventory/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
