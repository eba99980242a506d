# shipping: read its own secrets (KV v2 mount "shop", keys shipping/...) and the public token keys; nothing else.
path "shop/data/shipping/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
