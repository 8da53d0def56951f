// The resumable upload protocol of /api/blobs: start an upload, append the file in chunks
// (each reporting progress), then complete it with the SHA-256 digest of the whole content.

import { APIError, send } from './api.js';
import { SHA256 } from './sha256.js';

const chunkSize = 256 * 1024;

const ok = (res) => res.status >= 200 && res.status <= 299;

// uploadsAvailable reports whether this server has the upload endpoint, without starting an
// upload: a server that has the route answers a GET with 405, one without it with 404.
export async function uploadsAvailable() {
  const res = await send('GET', '/api/blobs/uploads');
  return res.status !== 404;
}

// uploadFile sends file and resolves to the new file's id. onProgress(sent, total) is
// called as bytes leave the browser. Errors reject with APIError (or a network Error).
export async function uploadFile(file, onProgress) {
  const path = `/api/blobs/uploads?filename=${encodeURIComponent(file.name)}&temporary=false`;
  const start = await send('POST', path);
  if (start.status !== 202) throw new APIError(start.status, start.json());
  const id = start.header('PortSIP-Upload-ID');
  let token = start.header('PortSIP-Upload-Token');
  if (!id || !token) throw new Error('the server did not hand out an upload id and token');

  const hash = new SHA256();
  onProgress(0, file.size);
  for (let offset = 0; offset < file.size; offset += chunkSize) {
    const chunk = file.slice(offset, offset + chunkSize);
    hash.update(new Uint8Array(await chunk.arrayBuffer()));
    const res = await send('POST', `/api/blobs/uploads/${encodeURIComponent(id)}/append`, {
      body: chunk,
      headers: { 'PortSIP-Upload-Token': token, 'Content-Type': 'application/octet-stream' },
      onProgress: (sent) => onProgress(offset + sent, file.size),
    });
    if (!ok(res)) throw new APIError(res.status, res.json());
    token = res.header('PortSIP-Upload-Token') || token;
  }
  onProgress(file.size, file.size);

  const done = await complete(id, token, hash.hex());
  return done.id;
}

// complete finishes the upload. The protocol describes a digest as algorithm and hex but
// shows bare hex in its example; bare hex goes first and the prefixed form is tried when the
// server rejects exactly that parameter.
async function complete(id, token, hex) {
  const headers = { 'PortSIP-Upload-Token': token };
  let res;
  for (const digest of [hex, `sha256:${hex}`]) {
    const path = `/api/blobs/uploads/${encodeURIComponent(id)}/complete?digest=${digest}`;
    res = await send('POST', path, { headers });
    if (ok(res)) return res.json() || {};
    const err = new APIError(res.status, res.json());
    if (!err.detail.some((d) => d.field === 'digest')) throw err;
  }
  throw new APIError(res.status, res.json());
}
