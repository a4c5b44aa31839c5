/*
 * The state more than one module reads and writes; each module keeps the rest of its state to itself.
 */
export const state = {
  /** { token, expiresAt, username, role } while signed in, else null. */
  session: null,
  /** The owner's cars by VIN, as GET /vehicles last told (online, lastSeenAt). */
  cars: new Map(),
  /** The latest VehicleState per VIN, from the state endpoint or the live stream, with receivedLocallyAt. */
  states: new Map(),
  /** The VIN of the car on screen, or null on the list. */
  vin: null,
};

export const CABIN = 'Vehicle.Cabin.HVAC.AmbientAirTemperature';
export const OUTSIDE = 'Vehicle.Exterior.AirTemperature';
export const SOC = 'Vehicle.Powertrain.TractionBattery.StateOfCharge.Displayed';
export const HVAC_ON = 'Vehicle.Cabin.HVAC.IsAirConditioningActive';
export const AUTO_OFF = 'Vehicle.Cabin.HVAC.AutoOffAt';
export const STERI_PHASE = 'Vehicle.Cabin.Sterilization.Phase';
/** Older data than this is marked stale on screen: the car may have changed since. */
export const STALE_AFTER_S = 120;
