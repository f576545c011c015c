/**
 * Path globs for fault rules, matched without backtracking. A glob compiled to a RegExp (`*` →
 * `[^/]*`) backtracks exponentially on patterns such as `/messages/*a*a*a*a*a*a*a*a*b` against a long
 * id, holding the event loop for seconds; this matcher runs the glob as a nondeterministic automaton
 * over the path, keeping the set of glob positions still alive (Thompson's construction, as RE2 does),
 * so a match costs at most (path length + 1) × (glob atoms + 1) steps whatever the pattern.
 *
 * Semantics (those of `globToRegExp` in faults.ts, kept as the reference): `*` matches any run of
 * characters but `/` (within one segment), `**` any run at all (any number of segments), everything
 * else itself; the whole path must match, with one optional trailing `/`.
 */

const LITERAL = 0;
const STAR = 1;
const GLOBSTAR = 2;

export interface GlobMatcher {
  /** `counter.steps` grows by the automaton steps taken, for tests that bound the work. */
  test(path: string, counter?: { steps: number }): boolean;
}

const SLASH = 47;

export function compileGlob(glob: string): GlobMatcher {
  // Atoms: one per literal UTF-16 code unit (as a RegExp without the u flag compares), `*` or `**`.
  const kinds: number[] = [];
  const codes: number[] = [];
  for (const part of glob.split(/(\*\*|\*)/)) {
    if (part === '**' || part === '*') {
      kinds.push(part === '**' ? GLOBSTAR : STAR);
      codes.push(-1);
    } else {
      for (let i = 0; i < part.length; i++) {
        kinds.push(LITERAL);
        codes.push(part.charCodeAt(i));
      }
    }
  }
  const n = kinds.length;

  /** Stars match the empty string: a live position before one also lives after it. */
  const close = (live: Uint8Array): void => {
    for (let i = 0; i < n; i++) if (live[i] && kinds[i] !== LITERAL) live[i + 1] = 1;
  };

  return {
    test(path, counter) {
      let live = new Uint8Array(n + 1);
      let next = new Uint8Array(n + 1);
      live[0] = 1;
      close(live);
      let steps = 0;
      // With a trailing '/', the glob may also match everything before it (the regex's `/?$`).
      let beforeLastSlash = false;
      for (let p = 0; p < path.length; p++) {
        const c = path.charCodeAt(p);
        if (p === path.length - 1 && c === SLASH) beforeLastSlash = live[n] === 1;
        next.fill(0);
        let any = false;
        for (let i = 0; i < n; i++) {
          if (!live[i]) continue;
          steps++;
          const kind = kinds[i];
          if (kind === LITERAL) {
            if (codes[i] === c) {
              next[i + 1] = 1;
              any = true;
            }
          } else if (kind === GLOBSTAR || c !== SLASH) {
            next[i] = 1;
            any = true;
          }
        }
        close(next);
        [live, next] = [next, live];
        if (!any) {
          if (counter) counter.steps += steps;
          return beforeLastSlash;
        }
      }
      if (counter) counter.steps += steps;
      return live[n] === 1 || beforeLastSlash;
    },
  };
}
