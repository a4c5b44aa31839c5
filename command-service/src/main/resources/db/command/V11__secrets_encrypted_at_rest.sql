-- Secrets at rest are encrypted under a key-encryption key (KEK), AES-256-GCM, each bound to its row
-- (dev.carlink.command.secrets.Envelope). Beside each secret column, the id of the KEK its value is encrypted
-- under (the value's header names it too), so that a start finds what is left to encrypt and an operator sees
-- which KEKs are still in use. NULL: the value is stored in clear, as versions before this one stored it; the
-- first start of this version encrypts every such value in one transaction (SecretsAtRest).
ALTER TABLE signing_keys ADD COLUMN private_key_kek text;
ALTER TABLE vehicles ADD COLUMN dtls_psk_kek text;
