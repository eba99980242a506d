# webhooks: read its own secrets (KV v2 mount "shop", keys webhooks/...) and the public token keys;
# write the signing secrets of the endpoints admins register (create and update, never delete: a
# deleted endpoint's secret is purged by an operator).
path "shop/data/webhooks/*" {
  capabilities = ["read"]
}

path "shop/data/webhooks/endpoints/*" {
  capabilities = ["create", "update", "read"]
}

path "shop/data/jwks" {
  capabilities = ["read"]
}
