package httpapi

import (
	"context"
	"net/http"

	"github.com/tenantd/tenantd"
)

// records is what the create, read, update and destroy endpoints of one kind of record
// (dealers, users) need from its service and its domain rules. Reads answer an ETag; updates
// and destroys honour If-Match inside the write's transaction.
type records[T any] struct {
	blank   func() T
	apply   func(T, tenantd.Input, bool) error
	id      func(T) int64
	version func(T) int64

	create func(context.Context, tenantd.Actor, T) error
	read   func(context.Context, tenantd.Actor, int64) (T, error)
	update func(context.Context, tenantd.Actor, int64, func(T) error) (T, error)
	delete func(context.Context, tenantd.Actor, int64, tenantd.Precondition) error
}

func (rs records[T]) createOne(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	rec := rs.blank()
	if err := rs.apply(rec, in, true); err != nil {
		return err
	}
	if err := rs.create(r.Context(), a, rec); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": tenantd.FormatID(rs.id(rec))})
	return nil
}

func (rs records[T]) readOne(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	rec, err := rs.read(r.Context(), a, id)
	if err != nil {
		return err
	}

	w.Header().Set("ETag", etag(id, rs.version(rec)))
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (rs records[T]) updateOne(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	pre := ifMatch(r, id)
	rec, err := rs.update(r.Context(), a, id, func(rec T) error {
		if err := pre.Check(rs.version(rec)); err != nil {
			return err
		}
		return rs.apply(rec, in, false)
	})
	if err != nil {
		return err
	}

	w.Header().Set("ETag", etag(id, rs.version(rec)))
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (rs records[T]) destroyOne(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := rs.delete(r.Context(), a, id, ifMatch(r, id)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// dealers and users bind the record endpoints to their services when a request comes, not
// when the routes are built, so that a Server can list its routes before it has services.

func (s *Server) dealers() records[*tenantd.Dealer] {
	return records[*tenantd.Dealer]{
		blank: tenantd.NewDealer, apply: tenantd.ApplyDealerInput,
		id:      func(d *tenantd.Dealer) int64 { return d.ID },
		version: func(d *tenantd.Dealer) int64 { return d.Version },
		create:  s.Dealers.CreateDealer, read: s.Dealers.Dealer,
		update: s.Dealers.UpdateDealer, delete: s.Dealers.DeleteDealer,
	}
}

func (s *Server) users() records[*tenantd.User] {
	return records[*tenantd.User]{
		blank: tenantd.NewUser, apply: tenantd.ApplyUserInput,
		id:      func(u *tenantd.User) int64 { return u.ID },
		version: func(u *tenantd.User) int64 { return u.Version },
		create:  s.Users.CreateUser, read: s.Users.User,
		update: s.Users.UpdateUser, delete: s.Users.DeleteUser,
	}
}

func (s *Server) createDealer(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.dealers().createOne(w, r, a)
}

func (s *Server) getDealer(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.dealers().readOne(w, r, a)
}

func (s *Server) updateDealer(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.dealers().updateOne(w, r, a)
}

func (s *Server) destroyDealer(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.dealers().destroyOne(w, r, a)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.users().createOne(w, r, a)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.users().readOne(w, r, a)
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.users().updateOne(w, r, a)
}

func (s *Server) destroyUser(w http.ResponseWriter, r *http.Request, a tenantd.Actor) error {
	return s.users().destroyOne(w, r, a)
}
