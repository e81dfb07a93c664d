/** A neuron's `/models` row, as far as the fuzz tests read it. */
export interface ModelRow {
  id: string;
  status: string;
  worker_pid?: number;
}

/** The row of model `id` in the `/models` list of the neuron at `neuronUrl` (undefined when absent). */
export async function fetchModelRow(neuronUrl: string, id: string): Promise<ModelRow | undefined> {
  const rows = (await (await fetch(`${neuronUrl}/models`)).json()) as ModelRow[];
  return rows.find((row) => row.id === id);
}
