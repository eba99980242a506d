# identity: read its own secrets (KV v2 mount "shop", keys identity/...) and the public token keys; nothing else.
# Its own secrets include the token signing key (identity/jwt) and the admin account (identity/admin).
path "shop/data/identity/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}

# Seal the tokens of emailed links (verification, password reset) for notifications (Transit): encrypt
# only. identity never needs to open one: it keeps their sha256.
path "transit/encrypt/shop-notification-token" {
  capabilities = ["update"]
}
