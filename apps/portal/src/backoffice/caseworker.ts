import { StreamableFile } from '@nestjs/common';
import type { Caseworker } from '@openrathaus/backoffice';
import type { StaffSession } from '@openrathaus/identity';

/** The back office's view of the member of staff the staff guard let in. */
export const caseworkerOf = (session: StaffSession): Caseworker => ({
  id: session.staffId,
  email: session.email,
  role: session.role,
  offices: session.offices,
});

/**
 * An uploaded file as the back office sends it: always a download under a safe name, never a type
 * a browser would render (the routes add `Content-Security-Policy: sandbox` besides).
 */
export const asDownload = (file: { filename: string; bytes: Buffer }): StreamableFile =>
  new StreamableFile(file.bytes, {
    type: 'application/octet-stream',
    disposition: `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  });
