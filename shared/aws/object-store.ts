/**
 * A bucket (or a folder standing in for one) behind three calls: the research sweep's item runner, its report
 * builder and its launcher read and write through it. S3 on AWS and against the emulator; a local folder for
 * the worker-thread sweep, with the same key layout.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super(`object ${key} not found`, options);
    this.name = 'ObjectNotFoundError';
  }
}

/** What identifies an object's content without reading it. */
export interface ObjectFacts {
  /** S3's ETag (quotes removed); a folder store's MD5 of the content, as S3 gives for a single-part upload. */
  etag: string;
  size: number;
}

export interface ObjectStore {
  /** `s3://bucket/key` or the file path, for messages. */
  location(key: string): string;
  getText(key: string): Promise<string>;
  getBytes(key: string): Promise<Uint8Array>;
  /** ETag and size; ObjectNotFoundError when there is no such object. */
  head(key: string): Promise<ObjectFacts>;
  /** Streams the object to a local file (created with its folders). */
  download(key: string, file: string): Promise<void>;
  putText(key: string, body: string, contentType: string): Promise<void>;
  putBytes(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Keys under a prefix with their sizes (bytes), sorted by key: the same listing, sizes kept. */
  listSized(prefix: string): Promise<{ key: string; size: number }[]>;
}

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client, readonly bucket: string) {}

  location(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private async body(key: string): Promise<unknown> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!r.Body) throw new ObjectNotFoundError(key);
      return r.Body;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') throw new ObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async getText(key: string): Promise<string> {
    const b = (await this.body(key)) as { transformToString(): Promise<string> };
    return b.transformToString();
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const b = (await this.body(key)) as { transformToByteArray(): Promise<Uint8Array> };
    return b.transformToByteArray();
  }

  async head(key: string): Promise<ObjectFacts> {
    try {
      const r = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { etag: (r.ETag ?? '').replace(/"/g, ''), size: r.ContentLength ?? 0 };
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === 'NotFound' || (err as { name?: string }).name === 'NoSuchKey') throw new ObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async download(key: string, file: string): Promise<void> {
    const b = (await this.body(key)) as Readable;
    mkdirSync(dirname(file), { recursive: true });
    await pipeline(b instanceof Readable ? b : Readable.from(b as AsyncIterable<Uint8Array>), createWriteStream(file));
  }

  async putText(key: string, body: string, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putBytes(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.listSized(prefix)).map((o) => o.key);
  }

  async listSized(prefix: string): Promise<{ key: string; size: number }[]> {
    const out: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** A folder as a bucket: key `a/b.json` is `<root>/a/b.json`. Keys may not leave the root. */
export class FolderObjectStore implements ObjectStore {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    const p = resolve(join(this.root, key));
    if (p !== this.root && !p.startsWith(this.root + sep)) throw new Error(`key ${key} leaves ${this.root}`);
    return p;
  }

  location(key: string): string {
    return this.path(key);
  }

  async getText(key: string): Promise<string> {
    try {
      return await readFile(this.path(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async getBytes(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async head(key: string): Promise<ObjectFacts> {
    try {
      const p = this.path(key);
      const st = await stat(p);
      return { etag: createHash('md5').update(await readFile(p)).digest('hex'), size: st.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async download(key: string, file: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await readFile(this.path(key)));
  }

  async putText(key: string, body: string): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body);
  }

  async putBytes(key: string, body: Uint8Array): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body);
  }

  async list(prefix: string): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(this.root, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => relative(this.root, join(d.parentPath, d.name)).split(sep).join('/'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names.filter((k) => k.startsWith(prefix)).sort();
  }

  async listSized(prefix: string): Promise<{ key: string; size: number }[]> {
    return Promise.all((await this.list(prefix)).map(async (key) => ({ key, size: (await stat(this.path(key))).size })));
  }
}
