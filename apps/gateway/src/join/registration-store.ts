/** A neuron that registered itself with a gateway; it expires unless its heartbeat renews it. */
export interface NeuronRegistration {
  /** Stable id the neuron picks (e.g. its name), unique in the fleet. */
  id: string;
  /** Name used in routing, metrics and `pinned_on`. */
  name: string;
  /** Base URL cortex polls and dispatches to. */
  url: string;
  /** The neuron's own `auth_token`, handed over at registration; null when the neuron runs open. */
  authToken: string | null;
  registeredAtMs: number;
  expiresAtMs: number;
}

/**
 * Where registrations live. Every gateway of a fleet shares one (the ledger's database), so a neuron that
 * registered with any gateway is routed to by all of them once they next read `live`.
 */
export interface RegistrationStore {
  /** Inserts or renews (same id) a registration. */
  upsert(registration: NeuronRegistration): Promise<void>;
  /** Registrations whose `expiresAtMs` is after `nowMs`. */
  live(nowMs: number): Promise<NeuronRegistration[]>;
  remove(id: string): Promise<void>;
}
