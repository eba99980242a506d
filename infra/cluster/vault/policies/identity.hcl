# identity: read its own secrets (KV v2 mount "shop", keys identity/...) and the public token keys; nothing else.
# Its own secrets include the token signing key (identity/jwt) and the admin account (identity/admin).
path "shop/data/identity/*" {
  capabilities = ["read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}

# Seal the email-verification and password-reset tokens for notifications (Transit): encrypt only.
path "transit/encrypt/shop-notification-token" {
  capabilities = ["update"]
}
