package dev.carlink.command.http;

import dev.carlink.command.lifecycle.FieldError;
import dev.carlink.command.lifecycle.Json;
import dev.carlink.command.signing.SigningKeyView;
import dev.carlink.command.vehicle.VehicleService;
import dev.carlink.command.vehicle.Vin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** Staff and admin: enroll a car for an owner and rotate its secret. The secret is shown once. */
final class AdminRoutes {

    private final VehicleService vehicles;

    AdminRoutes(VehicleService vehicles) {
        this.vehicles = vehicles;
    }

    void mount(Router api) {
        api.post("/admin/vehicles").handler(this::enroll);
        api.post("/admin/vehicles/:vin/secret").handler(this::rotate);
    }

    private void enroll(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return;
        }
        JsonObject body = Bodies.jsonObject(ctx);
        if (body == null) {
            return;
        }
        Vin vin;
        String owner;
        String name;
        try {
            Json.onlyFields(body, Set.of("vin", "owner", "name"));
            String rawVin = Json.requiredString(body, "vin");
            if (!Vin.isValid(rawVin)) {
                throw new FieldError("vin", Vin.describe(rawVin).substring("vin ".length()));
            }
            vin = new Vin(rawVin);
            owner = Json.requiredString(body, "owner");
            name = Json.optionalString(body, "name", vin.value());
            if (name.length() > 80) {
                throw new FieldError("name", "must be at most 80 characters, was " + name.length());
            }
        } catch (FieldError e) {
            Problem.badField(ctx, e.field(), e.getMessage().substring(e.field().length() + 2));
            return;
        }
        vehicles.enroll(vin, owner, name)
                .onSuccess(result -> {
                    if (result.enrolled().isPresent()) {
                        VehicleService.Enrolled enrolled = result.enrolled().get();
                        ctx.response().putHeader("Location", "/api/v1/vehicles/" + vin);
                        Responses.json(
                                ctx,
                                201,
                                new JsonObject()
                                        .put("vin", enrolled.vin())
                                        .put("owner", enrolled.owner())
                                        .put("secret", enrolled.secret())
                                        .put("signingKeys", publicKeys(enrolled.signingKeys())));
                    } else if (result.failure().orElseThrow() == VehicleService.EnrollFailure.UNKNOWN_OWNER) {
                        Problem.send(
                                ctx,
                                Problem.body(422, "Unknown owner", "no owner account " + owner)
                                        .put("field", "owner"));
                    } else {
                        Problem.send(ctx, 409, "Already enrolled", "vehicle " + vin + " is already enrolled");
                    }
                })
                .onFailure(ctx::fail);
    }

    private void rotate(RoutingContext ctx) {
        if (!BearerAuth.requireStaff(ctx)) {
            return;
        }
        String vin = BearerAuth.vin(ctx);
        if (vin == null) {
            return;
        }
        vehicles.rotateSecret(new Vin(vin))
                .onSuccess(rotated -> {
                    if (rotated.isEmpty()) {
                        Problem.send(ctx, 404, "Not found", "no vehicle " + vin);
                    } else {
                        Responses.json(
                                ctx,
                                200,
                                new JsonObject()
                                        .put("vin", vin)
                                        .put("secret", rotated.get().secret())
                                        .put(
                                                "signingKeys",
                                                publicKeys(rotated.get().signingKeys())));
                    }
                })
                .onFailure(ctx::fail);
    }

    static JsonArray publicKeys(List<SigningKeyView> keys) {
        JsonArray out = new JsonArray();
        keys.forEach(k -> out.add(k.toPublicJson()));
        return out;
    }
}
