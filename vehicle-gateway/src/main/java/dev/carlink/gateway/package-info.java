/**
 * The vehicle gateway: the MQTT edge between cars and the backend. {@link
 * dev.carlink.gateway.GatewayVerticle} is deployed with a {@link dev.carlink.gateway.GatewayConfig};
 * the vehicle contract is described in {@link dev.carlink.gateway.mqtt}.
 */
package dev.carlink.gateway;
