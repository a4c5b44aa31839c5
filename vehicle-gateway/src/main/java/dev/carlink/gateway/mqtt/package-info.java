/**
 * The vehicle contract over MQTT (3.1.1 and 5), and its implementation.
 *
 * <h2>Connecting</h2>
 *
 * <p>A car connects with client id = username = its VIN (17 characters of {@code [A-HJ-NPR-Z0-9]})
 * and password = its vehicle secret. A car that connects with clean session / clean start off (and on
 * MQTT 5 a session expiry) keeps its subscriptions and unacknowledged commands while it is away ({@code
 * SessionStore}); the commands are sent again with DUP when it resumes. A will, on {@code
 * v1/vehicles/{vin}/status} only, is told as the offline reason ({@code Wills}). MQTT 3.1 (protocol level 3)
 * is refused with 0x01. Connection quota, failed-login throttling, per-car message rate, receive maximum and
 * topic aliases follow {@code MqttLimits}; docs/vehicle-contract.md has the codes.
 *
 * <table>
 *   <caption>CONNACK refusals</caption>
 *   <tr><th>case</th><th>MQTT 3.1.1</th><th>MQTT 5</th></tr>
 *   <tr><td>client id not a VIN, or username differs from it</td>
 *       <td>0x02 identifier rejected</td><td>0x85 client identifier not valid</td></tr>
 *   <tr><td>username or password missing; wrong secret</td>
 *       <td>0x04 bad user name or password</td><td>0x86 bad user name or password</td></tr>
 *   <tr><td>unknown VIN</td><td>0x05 not authorized</td><td>0x87 not authorized</td></tr>
 *   <tr><td>authentication did not answer in time or failed</td>
 *       <td>0x03 server unavailable</td><td>0x88 server unavailable</td></tr>
 * </table>
 *
 * <p>An MQTT 5 CONNACK tells the car: maximum QoS 1, no retain, its receive maximum and topic alias
 * maximum, the granted session expiry, maximum packet size (the gateway's {@code maxMessageSize}), no
 * wildcard, shared or identified subscriptions. A second connection with the
 * same VIN takes over: the first is closed (MQTT 5: DISCONNECT 0x8E session taken over) and the
 * car stays online. The gateway closes a connection silent for 1.5 times its keep-alive and
 * reports the car offline with reason "keep-alive timeout".
 *
 * <h2>Topics</h2>
 *
 * <table>
 *   <caption>topics of the car with VIN {vin}</caption>
 *   <tr><th>topic</th><th>direction</th><th>QoS</th><th>payload</th></tr>
 *   <tr><td>{@code v1/vehicles/{vin}/telemetry}</td><td>car publishes</td><td>0 or 1</td>
 *       <td>{@code vehicle.v1.Telemetry}, {@code timestamp_ms} and {@code seq} required</td></tr>
 *   <tr><td>{@code v1/vehicles/{vin}/events}</td><td>car publishes</td><td>1</td>
 *       <td>{@code vehicle.v1.VehicleEvent}, {@code timestamp_ms} and {@code seq} required</td></tr>
 *   <tr><td>{@code v1/vehicles/{vin}/command-results}</td><td>car publishes</td><td>1</td>
 *       <td>{@code vehicle.v1.CommandResult}, {@code command_id} and {@code status} required</td></tr>
 *   <tr><td>{@code v1/vehicles/{vin}/commands}</td><td>car subscribes</td><td>1</td>
 *       <td>{@code vehicle.v1.Command}</td></tr>
 *   <tr><td>{@code v1/vehicles/{vin}/errors}</td><td>car subscribes (optional)</td><td>0</td>
 *       <td>{@code vehicle.v1.PublishError}</td></tr>
 * </table>
 *
 * <h2>Publishing</h2>
 *
 * <p>Each PUBLISH is checked before anything else happens. A valid one is handed to the module that
 * stores it; a QoS 1 PUBLISH is acknowledged only once that module replied that the message is
 * stored. PUBACKs leave in the order the PUBLISHes arrived. Events and results sent at QoS 0 are
 * accepted too, but then nothing tells the car whether they were stored. The retain flag is
 * ignored: the gateway is not a broker and keeps no messages.
 *
 * <table>
 *   <caption>outcomes of a PUBLISH</caption>
 *   <tr><th>case</th><th>MQTT 5 PUBACK</th><th>MQTT 3.1.1</th></tr>
 *   <tr><td>stored</td><td>0x00 success</td><td>PUBACK</td></tr>
 *   <tr><td>topic of another VIN</td><td>0x87 not authorized</td>
 *       <td>PUBACK + {@code PublishError} TOPIC_NOT_AUTHORIZED</td></tr>
 *   <tr><td>unknown or malformed topic</td><td>0x90 topic name invalid</td>
 *       <td>PUBACK + {@code PublishError} UNKNOWN_TOPIC</td></tr>
 *   <tr><td>payload not the topic's message type</td><td>0x99 payload format invalid</td>
 *       <td>PUBACK + {@code PublishError} MALFORMED_PAYLOAD</td></tr>
 *   <tr><td>required field missing</td><td>0x99 payload format invalid</td>
 *       <td>PUBACK + {@code PublishError} INVALID_VALUE</td></tr>
 *   <tr><td>storing module refused the content (4xx)</td><td>0x83 implementation specific error</td>
 *       <td>PUBACK + {@code PublishError} INVALID_VALUE</td></tr>
 *   <tr><td>not stored (storing module unavailable, 5xx, timeout)</td><td>no PUBACK; QoS 1: DISCONNECT
 *       0x89 server busy</td>
 *       <td>no PUBACK; {@code PublishError} SERVER_UNAVAILABLE; QoS 1: connection closed</td></tr>
 *   <tr><td>QoS 2</td><td>DISCONNECT 0x9B QoS not supported</td><td>connection closed</td></tr>
 *   <tr><td>packet larger than the maximum, or malformed</td><td>DISCONNECT 0x95 / 0x81</td>
 *       <td>connection closed</td></tr>
 * </table>
 *
 * <p>Rejections are final: the message must not be sent again. MQTT 5 rejection PUBACKs carry a
 * reason string unless the car asked for no problem information. {@code PublishError}s go to the
 * errors topic, if the car subscribed to it, for every rejection of an MQTT 3.1.1 car and for QoS 0
 * rejections of an MQTT 5 car. A QoS 1 message that was not stored stays unacknowledged and the
 * gateway closes the connection (MQTT allows resending only on a new connection): the car connects
 * again, preferably after a short back-off, and sends it again with every other unacknowledged message;
 * the storing module stores a repeated {@code (vin, seq)} once.
 *
 * <h2>Subscribing and commands</h2>
 *
 * <p>A car may subscribe to its own {@code commands} and {@code errors} topics only, granted QoS
 * at most 1; any other filter, wildcards included, is refused (3.1.1: 0x80, MQTT 5: 0x87 not
 * authorized). Once subscribed to {@code commands} the car is online (reachable for commands):
 * commands are published to it at QoS 1, and its PUBACK is reported to the backend as the
 * command's transport acknowledgement. A PUBACK does not mean the command ran: the car answers
 * every command on {@code command-results}. Unsubscribing from {@code commands}, disconnecting,
 * losing the connection or missing the keep-alive makes the car offline.
 *
 * <h2>Implementation</h2>
 *
 * <p>{@link dev.carlink.gateway.mqtt.ConnectHandler} authenticates and wires one handler per
 * concern: {@code PublishHandler}, {@code SubscribeHandler}, {@code CommandDeliveryHandler}, {@code
 * DisconnectHandler}. {@code VehicleTopic} and {@code PayloadCodec} decode car input into values
 * or typed rejections; {@code VehicleSession} holds a connection's state and its {@code
 * OrderedAckQueue}; {@link dev.carlink.gateway.mqtt.SessionRegistry} holds the current session of
 * each VIN.
 */
package dev.carlink.gateway.mqtt;
