-- The DTLS pre-shared key of each car (CoAP over DTLS, identity = VIN), derived from its secret
-- (dev.carlink.proto.VehicleKeys). Cars enrolled before this column get one when their secret is rotated;
-- until then their DTLS handshakes fail and they use plain CoAP with a login or MQTT.
ALTER TABLE vehicles ADD COLUMN dtls_psk bytea;
