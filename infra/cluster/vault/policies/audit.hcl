# audit: read its own secrets (KV v2 mount "shop", keys audit/...) and the public token keys; nothing else.
path "shop/data/audit/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
