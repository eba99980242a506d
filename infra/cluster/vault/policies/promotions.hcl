# promotions: read its own secrets (KV v2 mount "shop", keys promotions/...) and the public token keys; nothing else.
path "shop/data/promotions/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
