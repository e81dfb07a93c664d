import type { NeuronRegistration, RegistrationStore } from "./registration-store.js";

/** A `RegistrationStore` in this process's memory: one gateway only, lost on restart (tests, open mode). */
export function createMemoryRegistrationStore(): RegistrationStore {
  const byId = new Map<string, NeuronRegistration>();
  return {
    async upsert(registration) {
      const previous = byId.get(registration.id);
      // A renewal keeps the first registration time, as a database upsert that updates the rest would.
      byId.set(registration.id, {
        ...registration,
        registeredAtMs: previous?.registeredAtMs ?? registration.registeredAtMs,
      });
    },
    async live(nowMs) {
      const live: NeuronRegistration[] = [];
      for (const [id, registration] of byId) {
        if (registration.expiresAtMs > nowMs) live.push({ ...registration });
        else byId.delete(id);
      }
      return live;
    },
    async remove(id) {
      byId.delete(id);
    },
  };
}
