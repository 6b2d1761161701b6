// Short display labels for probe settings as the pipeline names them in scores.

/** 'fewshot-5way-20shot' → '5-way 20-shot'; other probe names ('linear', 'ece-scaled') are shown as they are. */
export function probeLabel(probe: string): string {
  const fewshot = /^fewshot-(\d+)way-(\d+)shot$/.exec(probe);
  return fewshot ? `${fewshot[1]}-way ${fewshot[2]}-shot` : probe;
}
