/**
 * A problem with the files behind `--data`: the path and the cause in words, so one line tells a user
 * what to fix ("…/state.json.journal: no space left on device (ENOSPC)").
 */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
};

export class StorageError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
    this.name = 'StorageError';
  }

  /** Wraps a file-system error (or anything else thrown while reading or writing `path`). */
  static from(path: string, error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    return new StorageError(path, describeFsError(error), { cause: error });
  }
}

/** `no space left on device (ENOSPC)`; the message itself for errors without a code. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return `${REASONS[code] ?? (error as Error).message.split(',')[0]?.replace(`${code}: `, '') ?? code} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
