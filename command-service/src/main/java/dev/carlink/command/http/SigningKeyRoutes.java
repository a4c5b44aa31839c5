package dev.carlink.command.http;

import dev.carlink.command.signing.SigningKeyView;
import dev.carlink.command.signing.SigningKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The backend's command signing keys. Public halves for anyone (cars provisioned outside enrollment);
 * listing, rotation and retirement for administrators.
 */
final class SigningKeyRoutes {

    private final SigningKeys keys;

    SigningKeyRoutes(SigningKeys keys) {
        this.keys = keys;
    }

    /** Before authentication: public keys are public. */
    void mountPublic(Router api) {
        api.get("/signing-keys").handler(ctx -> keys.publicKeys()
                .onSuccess(list ->
                        Responses.json(ctx, 200, new JsonObject().put("signingKeys", AdminRoutes.publicKeys(list))))
                .onFailure(ctx::fail));
    }

    void mountAdmin(Router api) {
        api.get("/admin/signing-keys").handler(this::list);
        api.post("/admin/signing-keys/rotate").handler(this::rotate);
        api.post("/admin/signing-keys/:keyId/retire").handler(this::retire);
    }

    private void list(RoutingContext ctx) {
        if (!BearerAuth.requireAdmin(ctx)) {
            return;
        }
        keys.list().onSuccess(list -> Responses.json(ctx, 200, adminJson(list))).onFailure(ctx::fail);
    }

    private void rotate(RoutingContext ctx) {
        if (!BearerAuth.requireAdmin(ctx)) {
            return;
        }
        keys.rotate()
                .onSuccess(key -> Responses.json(ctx, 201, key.toAdminJson()))
                .onFailure(ctx::fail);
    }

    private void retire(RoutingContext ctx) {
        if (!BearerAuth.requireAdmin(ctx)) {
            return;
        }
        String keyId = ctx.pathParam("keyId");
        String force = ctx.request().getParam("force");
        if (force != null && !force.equals("true") && !force.equals("false")) {
            Problem.badField(ctx, "force", "must be true or false, was " + force);
            return;
        }
        keys.retire(keyId, "true".equals(force))
                .onSuccess(result -> {
                    if (result.refusal().isEmpty()) {
                        Responses.json(
                                ctx,
                                200,
                                new JsonObject()
                                        .put("keyId", keyId)
                                        .put("state", "RETIRED")
                                        .put("vehiclesStillOnKey", result.vehiclesOnKey()));
                        return;
                    }
                    switch (result.refusal().get()) {
                        case NOT_FOUND -> Problem.send(ctx, 404, "Not found", "no signing key " + keyId);
                        case NOT_PREVIOUS ->
                            Problem.send(
                                    ctx,
                                    409,
                                    "Not retirable",
                                    "only a PREVIOUS key can be retired; rotate first if " + keyId + " is active");
                        case IN_USE ->
                            Problem.send(
                                    ctx,
                                    Problem.body(
                                                    409,
                                                    "Key still in use",
                                                    result.vehiclesOnKey() + " cars have not yet learned a newer key; "
                                                            + "they learn it with their next command. Retire with "
                                                            + "force=true to cut them off (they must be re-provisioned)")
                                            .put("vehiclesOnKey", result.vehiclesOnKey()));
                    }
                })
                .onFailure(ctx::fail);
    }

    private static JsonObject adminJson(List<SigningKeyView> list) {
        JsonArray out = new JsonArray();
        list.forEach(k -> out.add(k.toAdminJson()));
        return new JsonObject().put("signingKeys", out);
    }
}
