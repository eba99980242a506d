# payments: read its own secrets (KV v2 mount "shop", keys payments/...) and the public token keys; nothing else.
# Its own secrets include the payment provider key (payments/provider).
path "shop/data/payments/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
