/**
 * A small Dockerfile reader for the image tests (no Docker engine here): stages, their instructions with line
 * continuations joined and comments dropped, COPY's flags and paths, JSON/shell argument forms.
 */

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

export interface DockerStage {
  name?: string;
  image: string;
  platform?: string;
  instructions: Instruction[];
}

export interface CopyInstruction {
  from?: string;
  chown?: string;
  sources: string[];
  dest: string;
}

/** Splits a shell command line into words: single and double quotes, backslash escapes outside single quotes. */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in: ${s}`);
  if (inWord) out.push(cur);
  return out;
}

/** Exec form (a JSON array) or shell form, as words. */
export function argv(args: string): string[] {
  const t = args.trim();
  return t.startsWith('[') ? (JSON.parse(t) as string[]) : shellWords(t);
}

export function parseDockerfile(text: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, ' ') + lines[++i]!.trim();
    }
    const m = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    const op = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (op === 'FROM') {
      const words = shellWords(args);
      const platform = words.find((w) => w.startsWith('--platform='))?.slice('--platform='.length);
      const rest = words.filter((w) => !w.startsWith('--'));
      const as = rest.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        image: rest[0]!,
        ...(as >= 0 ? { name: rest[as + 1]! } : {}),
        ...(platform ? { platform } : {}),
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${start + 1}: ${op} before FROM`);
    stage.instructions.push({ op, args, line: start + 1 });
  }
  return stages;
}

export function parseCopy(args: string): CopyInstruction {
  const words = argv(args);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const flag = (name: string): string | undefined => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
  const unknown = flags.filter((f) => !/^--(from|chown)=/.test(f));
  if (unknown.length > 0) throw new Error(`COPY flags this reader does not model: ${unknown.join(' ')}`);
  if (paths.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  const from = flag('from');
  const chown = flag('chown');
  return { ...(from ? { from } : {}), ...(chown ? { chown } : {}), sources: paths.slice(0, -1), dest: paths.at(-1)! };
}
