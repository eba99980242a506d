# analytics: read its own secrets (KV v2 mount "shop", keys analytics/...) and the public token keys; nothing else.
path "shop/data/analytics/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
