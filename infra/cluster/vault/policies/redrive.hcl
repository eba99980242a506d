# redrive: read its own secrets (KV v2 mount "shop", keys redrive/...) and the public token keys; nothing else.
path "shop/data/redrive/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
