package httpapi

import (
	"net/http"

	"github.com/tenantd/tenantd"
)

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	u := tenantd.NewUser()
	if err := tenantd.ApplyUserInput(u, in, true); err != nil {
		return err
	}
	if err := s.Users.CreateUser(r.Context(), actor, u); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": tenantd.FormatID(u.ID)})
	return nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	u, err := s.Users.User(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	in, err := readObject(w, r)
	if err != nil {
		return err
	}

	u, err := s.Users.UpdateUser(r.Context(), actor, id, func(u *tenantd.User) error {
		return tenantd.ApplyUserInput(u, in, false)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) destroyUser(w http.ResponseWriter, r *http.Request, actor tenantd.Actor) error {
	id, err := tenantd.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.Users.DeleteUser(r.Context(), actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
