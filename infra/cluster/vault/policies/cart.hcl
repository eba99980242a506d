# cart: read its own secrets (KV v2 mount "shop", keys cart/...) and the public token keys; nothing else.
path "shop/data/cart/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
