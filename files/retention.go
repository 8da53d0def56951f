package files

import (
	"context"
	"time"
)

// Purged counts what one retention run removed.
type Purged struct {
	Uploads int // abandoned uploads
	Files   int // expired temporary files
	Blobs   int // unused content found by the sweep (such as a deleted tenant's files)
	Staged  int // staged content of uploads that no longer exist
}

// Purge removes, at now, the uploads and temporary files past their tenant's
// temp_file_retention, then sweeps content that nothing refers to. It touches nothing else:
// complete files that are not temporary, a tenant's logo, and uploads still being added to
// within the retention stay.
func (s *Service) Purge(ctx context.Context, now time.Time) (Purged, error) {
	var p Purged
	expired, err := s.DB.ExpiredTemporaries(ctx, now)
	if err != nil {
		return p, err
	}

	for _, e := range expired {
		if e.UploadID != "" {
			u, err := s.DB.PurgeUpload(ctx, e)
			if err != nil {
				return p, err
			}
			if u != nil {
				s.discard(ctx, u)
				p.Uploads++
			}
			continue
		}
		f, err := s.DB.PurgeFile(ctx, e)
		if err != nil {
			return p, err
		}
		if f != nil {
			s.collect(ctx, f.Digest)
			p.Files++
		}
	}
	return p, s.sweep(ctx, &p)
}

// sweep removes content no record refers to: blobs of deleted files whose removal failed or
// whose tenant was deleted, and staged content of deleted uploads.
func (s *Service) sweep(ctx context.Context, p *Purged) error {
	orphans, err := s.DB.OrphanBlobs(ctx)
	if err != nil {
		return err
	}
	for _, d := range orphans {
		removed, err := s.DB.RemoveBlob(ctx, d, func() error { return s.Blobs.Remove(ctx, d) })
		if err != nil {
			return err
		}
		if removed {
			p.Blobs++
		}
	}

	staged, err := s.Blobs.Uploads(ctx)
	if err != nil {
		return err
	}
	known, err := s.DB.KnownUploads(ctx, staged)
	if err != nil {
		return err
	}
	for _, id := range staged {
		if known[id] {
			continue
		}
		if err := s.Blobs.Discard(ctx, id); err != nil {
			return err
		}
		p.Staged++
	}
	return nil
}
