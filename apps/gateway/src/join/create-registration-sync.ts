import type { FleetState } from "../fleet/fleet-state.js";
import type { Logger } from "../internal/logger.js";
import type { NeuronRegistration, RegistrationStore } from "./registration-store.js";

export interface RegistrationSyncOptions {
  fleet: FleetState;
  store: RegistrationStore;
  now: () => number;
  logger: Logger;
  /** A node was just added: poll it now, so it is routable before the next round. */
  onAdded: (name: string) => Promise<void>;
}

/** Applies the shared store's live registrations to this gateway's fleet. */
export interface RegistrationSync {
  /** Adds newly registered neurons, replaces ones whose URL or token changed, removes expired ones. */
  sync(): Promise<void>;
  /** Names of the nodes this gateway added from registrations (not `[[neurons]]`). */
  joined(): string[];
}

/**
 * Each gateway runs one of these every poll interval (and after each registration it receives), so a
 * neuron registered with any gateway of a fleet sharing the store is routed to by all of them within one
 * interval. Static `[[neurons]]` are never touched: a registration under a static name is ignored (and
 * logged once). Calls never overlap; one that comes while another runs waits for it and then runs.
 */
export function createRegistrationSync(options: RegistrationSyncOptions): RegistrationSync {
  const { fleet, logger } = options;
  /** Joined node name → what it was added with, to notice a neuron that re-registered elsewhere. */
  const joined = new Map<string, { url: string; authToken: string | null }>();
  const shadowed = new Set<string>();
  let chain: Promise<void> = Promise.resolve();

  const apply = async () => {
    const live = await options.store.live(options.now());
    const seen = new Set<string>();
    const added: string[] = [];
    for (const registration of live) {
      seen.add(registration.name);
      const current = joined.get(registration.name);
      if (current === undefined && fleet.node(registration.name) !== undefined) {
        if (!shadowed.has(registration.name)) {
          shadowed.add(registration.name);
          logger.warn(
            { event: "registration_shadowed", node: registration.name },
            `a registered neuron is named '${registration.name}' like one in [[neurons]]; the configured one is kept`,
          );
        }
        continue;
      }
      if (current !== undefined && sameTarget(current, registration)) continue;
      if (current !== undefined) fleet.removeNode(registration.name);
      if (add(registration)) added.push(registration.name);
    }
    for (const name of [...joined.keys()]) {
      if (seen.has(name)) continue;
      joined.delete(name);
      fleet.removeNode(name);
      logger.info({ event: "node_left", node: name }, `neuron ${name} left the fleet`);
    }
    for (const name of shadowed) if (!seen.has(name)) shadowed.delete(name);
    await Promise.all(added.map((name) => options.onAdded(name).catch(() => {})));
  };

  const add = (registration: NeuronRegistration): boolean => {
    const node = fleet.addNode({
      name: registration.name,
      endpoint: registration.url,
      ...(registration.authToken === null ? {} : { auth_token: registration.authToken }),
    });
    if (node === null) return false;
    joined.set(registration.name, { url: registration.url, authToken: registration.authToken });
    // The URL is the neuron's own advertised address; its token is never logged.
    logger.info(
      { event: "node_joined", node: registration.name, endpoint: registration.url },
      `neuron ${registration.name} joined the fleet`,
    );
    return true;
  };

  return {
    sync() {
      const run = chain.then(apply);
      chain = run.catch(() => {});
      return run;
    },
    joined: () => [...joined.keys()],
  };
}

function sameTarget(
  current: { url: string; authToken: string | null },
  registration: NeuronRegistration,
): boolean {
  return current.url === registration.url && current.authToken === registration.authToken;
}
