/** Text that must never appear in an error reply: stack frames, source paths, engine internals. */
export const leakPattern =
  /\n\s+at |\bat [\w.$<>]+ \(|\.ts:\d|\.js:\d|node_modules|TypeError|RangeError|ReferenceError|is not iterable|is not a function|Cannot read prop|undefined/;
