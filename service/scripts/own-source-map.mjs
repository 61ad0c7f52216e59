// Keeps only the service's own files in a source map: every segment that maps into another
// source (node_modules) becomes an unmapped position, so a stack frame there shows its bundle
// line instead of a wrong service line, and the map shrinks from ~1.7 MB to a few dozen KB.
//
// Why: with --enable-source-maps Node parses the whole map the first time a stack is mapped, and
// pino maps one while creating the logger (util.getCallSites), so every replica paid ~200 ms of
// CPU at start to decode mappings for dependency code nobody debugs from a stack trace.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, value) => [char, value]));

/** Base64 VLQ (source map v3): 5 data bits per digit, bit 6 = continuation, lowest bit = sign. */
function decodeSegment(text) {
  const fields = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: invalid mapping character ${char}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

function encodeField(field) {
  let value = field < 0 ? (-field << 1) | 1 : field << 1;
  let text = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    text += BASE64[digit];
  } while (value > 0);
  return text;
}

/**
 * @param {{ version: 3, sources: string[], names: string[], mappings: string }} map
 * @param {(source: string) => boolean} keep which sources stay mapped
 */
export function keepOwnSources(map, keep) {
  const sourceIndex = new Map();
  const nameIndex = new Map();
  const sources = [];
  const names = [];
  const indexOf = (table, list, value) => {
    if (!table.has(value)) table.set(value, list.push(value) - 1);
    return table.get(value);
  };
  // Decoding state (running values over the original) and encoding state (over the output).
  const read = { source: 0, line: 0, column: 0, name: 0 };
  const written = { source: 0, line: 0, column: 0, name: 0 };
  // A lookup falls back to the nearest earlier segment, even on an earlier line: after a kept
  // segment, the next dropped one must leave an explicit unmapped position behind.
  let lastWrittenIsMapped = false;
  const lines = map.mappings.split(';').map((line) => {
    let readColumn = 0;
    let writtenColumn = 0;
    const out = [];
    for (const segment of line === '' ? [] : line.split(',')) {
      const fields = decodeSegment(segment);
      readColumn += fields[0];
      let mapped = false;
      if (fields.length >= 4) {
        read.source += fields[1];
        read.line += fields[2];
        read.column += fields[3];
        if (fields.length === 5) read.name += fields[4];
        mapped = keep(map.sources[read.source]);
      }
      if (!mapped && !lastWrittenIsMapped) continue;
      let text = encodeField(readColumn - writtenColumn);
      writtenColumn = readColumn;
      if (mapped) {
        const source = indexOf(sourceIndex, sources, map.sources[read.source]);
        text += encodeField(source - written.source) + encodeField(read.line - written.line);
        text += encodeField(read.column - written.column);
        Object.assign(written, { source, line: read.line, column: read.column });
        if (fields.length === 5) {
          const name = indexOf(nameIndex, names, map.names[read.name]);
          text += encodeField(name - written.name);
          written.name = name;
        }
      }
      lastWrittenIsMapped = mapped;
      out.push(text);
    }
    return out.join(',');
  });
  // sourcesContent and ignoreList are indexed by source: dropped rather than left misaligned.
  const { sourcesContent: _content, ignoreList: _ignored, ...rest } = map;
  return { ...rest, sources, names, mappings: lines.join(';') };
}
