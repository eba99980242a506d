# orders: read its own secrets (KV v2 mount "shop", keys orders/...) and the public token keys, and seal
# payment tokens; nothing else.
path "shop/data/orders/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}

# Seal customers' payment tokens for payments (Transit): encrypt only. orders can never decrypt one.
path "transit/encrypt/shop-payment-token" {
  capabilities = ["update"]
}
