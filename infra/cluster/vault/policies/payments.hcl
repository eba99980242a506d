# payments: read its own secrets (KV v2 mount "shop", keys payments/...) and the public token keys, and open
# sealed payment tokens; nothing else.
# Its own secrets include the payment provider key (payments/provider).
path "shop/data/payments/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}

# Open the payment tokens orders sealed for it (Transit): the only policy that may decrypt with the key.
path "transit/decrypt/shop-payment-token" {
  capabilities = ["update"]
}
