# notifications: read its own secrets (KV v2 mount "shop", keys notifications/...) and the public token
# keys, and open the link tokens identity sealed for it; nothing else.
path "shop/data/notifications/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}

# Open the verification and reset tokens identity sealed (Transit): the only policy that may decrypt with the key.
path "transit/decrypt/shop-notification-token" {
  capabilities = ["update"]
}
