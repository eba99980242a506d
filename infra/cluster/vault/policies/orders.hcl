# orders: read its own secrets (KV v2 mount "shop", keys orders/...) and the public token keys; nothing else.
path "shop/data/orders/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
