# catalog: read its own secrets (KV v2 mount "shop", keys catalog/...) and the public token keys; nothing else.
path "shop/data/catalog/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
