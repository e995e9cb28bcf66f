package survey

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// Invitation tokens are stored as a keyed hash, HMAC-SHA256 under a key
// that lives in a file outside the database (the token key file). An
// unsalted hash let whoever holds a copy of the database (or a backup) and
// the mail merge hash every token and read off who answered; without the
// key file the stored hashes cannot be matched to tokens. The database
// keeps only a fingerprint of the key (an HMAC of a fixed label, which
// reveals nothing about the key), so that trots refuses a wrong or lost key
// file instead of silently turning every invitation into "unknown".

// tokenKeySize is the length of the key in bytes.
const tokenKeySize = 32

// DefaultPostgresKeyFile is where the token key lives for a PostgreSQL
// database when Options.KeyFile (TROTS_KEY_FILE) is not set.
const DefaultPostgresKeyFile = "data/trots.key"

// DefaultKeyFile is the token key file for dsn: beside a SQLite database
// (<file>.key), DefaultPostgresKeyFile for PostgreSQL.
func DefaultKeyFile(dsn string) string {
	if isPostgresDSN(dsn) {
		return DefaultPostgresKeyFile
	}
	path := strings.TrimPrefix(dsn, "sqlite:")
	if path == "" {
		path = DefaultDSN
	}
	return path + ".key"
}

func isPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// fingerprintLabel is what the fingerprint is the HMAC of.
const fingerprintLabel = "trots token key fingerprint v1"

func keyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(fingerprintLabel))
	return hex.EncodeToString(m.Sum(nil))
}

// tokenHash is the one place a token becomes what is stored: HMAC-SHA256
// under the token key of the SHA-256 of the token. Hashing first lets
// migration 6 re-key the unsalted SHA-256 hashes of earlier versions
// without the tokens (rekeyHash), and gives every token the same result
// whichever way its row was made.
func (s *Store) tokenHash(token string) string { return s.TokenHash(token) }

// TokenHash is tokenHash for the one-time links of accounts (the accounts
// package), whose tokens are kept the same way as invitations.
func (s *Store) TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return s.rekeyHash(sum[:])
}

func (s *Store) rekeyHash(sha []byte) string {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write(sha)
	return hex.EncodeToString(m.Sum(nil))
}

// submissionKeyHash is what is stored of a submission key while its pulse
// is open: the key is the client's choice (the survey API takes any
// well-formed one), so a form built by someone who knows who is answering
// could spell a person in it. Stored under the token key, the same key
// still finds a retry, and the row tells nothing without the key file;
// closing the pulse replaces it by a random value (ClosePulse).
func (s *Store) submissionKeyHash(key string) string {
	return submissionKeyHash(s.tokenKey, key)
}

// Stored keys are 32 hex digits, client keys 26 base32 characters
// (ValidID): a stored key of the client's length is one of an earlier
// version, which hashLegacySubmissionKeys turns into the new form.
func submissionKeyHash(tokenKey []byte, key string) string {
	m := hmac.New(sha256.New, tokenKey)
	m.Write([]byte("submission key\x00"))
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// randomKeySQL is an SQL expression for a fresh random stored key (32 hex
// digits, like submissionKeyHash).
func (s *Store) randomKeySQL() string {
	if s.dialect == Postgres {
		return "replace(gen_random_uuid()::text, '-', '')"
	}
	return "lower(hex(randomblob(16)))"
}

// hashLegacySubmissionKeys brings the submission keys that earlier versions
// stored verbatim into today's form, at start: those of open pulses become
// their keyed hash (a retry of a form sent before the upgrade is still a
// replay), those of closed pulses a random value, as ClosePulse gives them.
//
// On SQLite the old keys are overwritten (secure_delete) and, when any
// was changed, the file is rebuilt, as ClosePulse does: once, at the first
// start of this version.
func (s *Store) hashLegacySubmissionKeys(ctx context.Context) error {
	return s.w.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if s.dialect == SQLite {
			if err := conn.Exec("PRAGMA secure_delete = ON").Error; err != nil {
				return fmt.Errorf("survey: secure delete: %w", err)
			}
			defer conn.Exec("PRAGMA secure_delete = OFF")
		}
		changed := int64(0)
		err := conn.Transaction(func(tx *gorm.DB) error {
			legacy := fmt.Sprintf("length(submission_key) = %d", idLength)
			res := tx.Exec("UPDATE responses SET submission_key = "+s.randomKeySQL()+" WHERE "+legacy+
				" AND pulse_id IN (SELECT id FROM pulses WHERE status <> ?)", string(PulseOpen))
			if res.Error != nil {
				return fmt.Errorf("survey: new keys for responses of closed pulses: %w", res.Error)
			}
			changed += res.RowsAffected
			var rows []responseRow
			if err := tx.Select("pulse_id", "department_id", "submission_key").Where(legacy).Find(&rows).Error; err != nil {
				return fmt.Errorf("survey: read legacy response keys: %w", err)
			}
			for _, r := range rows {
				if err := tx.Model(&responseRow{}).
					Where("pulse_id = ? AND department_id = ? AND submission_key = ?", r.PulseID, r.DepartmentID, r.SubmissionKey).
					Update("submission_key", s.submissionKeyHash(r.SubmissionKey)).Error; err != nil {
					return fmt.Errorf("survey: hash legacy response key: %w", err)
				}
			}
			changed += int64(len(rows))
			return nil
		})
		if err != nil || changed == 0 || s.dialect != SQLite {
			return err
		}
		if err := conn.Exec("VACUUM").Error; err != nil {
			return fmt.Errorf("survey: vacuum after new response keys: %w", err)
		}
		return nil
	})
}

// StoredSubmissionKey is what the submission key key is stored as while
// its pulse is open, under the token key in keyFile: for checks that match
// acknowledged submissions with stored rows (the crash and backup tests).
func StoredSubmissionKey(keyFile, key string) (string, error) {
	tk, err := readKeyFile(keyFile)
	if err != nil {
		return "", err
	}
	return submissionKeyHash(tk, key), nil
}

// readKeyFile reads the key; a missing file is fs.ErrNotExist.
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != tokenKeySize {
		return nil, fmt.Errorf("survey: token key file %s is damaged (expected %d bytes as hex)", path, tokenKeySize)
	}
	return key, nil
}

// createKeyFile writes a new random key to path, readable by its owner
// only. It is written under a temporary name and linked into place, so
// that two processes starting at once end up with the one key that won.
func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, tokenKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("survey: make token key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("survey: create token key file %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("survey: create token key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
		if err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("survey: write token key file %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("survey: create token key file %s: %w", path, err)
	}
	return key, nil
}

// tokenKeyRow is the fingerprint of the key the stored hashes were made
// with (one row).
type tokenKeyRow struct {
	ID          int `gorm:"primaryKey"`
	Fingerprint string
}

func (tokenKeyRow) TableName() string { return "token_key" }

// setupTokenKey loads the token key (creating it when there is none and
// nothing needs the old one), checks it against the fingerprint in the
// database and, the first time a key is recorded, re-keys the unsalted
// hashes of earlier versions. It refuses, naming the file, a key file that
// is missing or different while the database holds invitations made with
// another key: those invitations would all be "unknown".
func (s *Store) setupTokenKey(ctx context.Context, path string) error {
	key, err := readKeyFile(path)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		return err
	}
	var rows []tokenKeyRow
	if err := s.w.WithContext(ctx).Find(&rows).Error; err != nil {
		return fmt.Errorf("survey: read token key fingerprint: %w", err)
	}
	var invitations int64
	if err := s.w.WithContext(ctx).Model(&invitationRow{}).Count(&invitations).Error; err != nil {
		return fmt.Errorf("survey: count invitations: %w", err)
	}
	recorded := ""
	if len(rows) > 0 {
		recorded = rows[0].Fingerprint
	}
	if missing {
		if recorded != "" && invitations > 0 {
			return fmt.Errorf("survey: the token key file %s is missing, and the database holds %d invitations hashed with its key: "+
				"restore the file (from where the database came from; trots backup --with-key copies it) or set TROTS_KEY_FILE to it", path, invitations)
		}
		if key, err = createKeyFile(path); err != nil {
			return err
		}
		s.log.Info("token key file created", "file", path)
	}
	s.tokenKey = key
	fp := keyFingerprint(key)
	switch {
	case recorded == fp:
		return nil
	case recorded != "" && invitations > 0:
		return fmt.Errorf("survey: the token key file %s is not the key the database's %d invitations were hashed with: "+
			"restore the right file or set TROTS_KEY_FILE to it", path, invitations)
	}
	// No key recorded yet (a new database, or one of schema version 5
	// whose hashes are unsalted), or a recorded key with no invitation
	// left that needs it: record this one, re-keying legacy hashes.
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if recorded == "" && invitations > 0 {
			if err := s.rekeyLegacyInvitations(tx); err != nil {
				return err
			}
		}
		if err := tx.Exec("DELETE FROM token_key").Error; err != nil {
			return fmt.Errorf("survey: record token key fingerprint: %w", err)
		}
		if err := tx.Create(&tokenKeyRow{ID: 1, Fingerprint: fp}).Error; err != nil {
			return fmt.Errorf("survey: record token key fingerprint: %w", err)
		}
		return nil
	})
}

// rekeyLegacyInvitations turns the unsalted SHA-256 of each invitation of
// an older version into the keyed hash of the same token. The rows are
// rewritten in the order of their new hashes: in the order of the old
// ones, PostgreSQL's physical order (ctid) would tell anyone with the
// tokens which new row is which.
func (s *Store) rekeyLegacyInvitations(tx *gorm.DB) error {
	var old []string
	if err := tx.Model(&invitationRow{}).Pluck("token_hash", &old).Error; err != nil {
		return fmt.Errorf("survey: read invitations to re-key: %w", err)
	}
	type pair struct{ from, to string }
	pairs := make([]pair, 0, len(old))
	for _, h := range old {
		raw, err := hex.DecodeString(h)
		if err != nil || len(raw) != sha256.Size {
			return fmt.Errorf("survey: re-key invitations: a stored hash is not SHA-256")
		}
		pairs = append(pairs, pair{h, s.rekeyHash(raw)})
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.to, b.to) })
	for _, p := range pairs {
		if err := tx.Exec("UPDATE invitations SET token_hash = ? WHERE token_hash = ?", p.to, p.from).Error; err != nil {
			return fmt.Errorf("survey: re-key invitations: %w", err)
		}
	}
	s.log.Info("invitation hashes re-keyed", "invitations", len(pairs))
	return nil
}

// checkTokenKey verifies, inside tx, that the key recorded in the database
// is still this store's: a second instance started with another key file
// must not make invitations the first cannot read.
func (s *Store) checkTokenKey(tx *gorm.DB) error {
	var fp string
	if err := tx.Raw("SELECT fingerprint FROM token_key WHERE id = 1").Scan(&fp).Error; err != nil {
		return internal("read token key fingerprint", err)
	}
	if fp != keyFingerprint(s.tokenKey) {
		return errorf(EConflict, "token_key_mismatch", "this instance's token key file differs from the one the database records; restart it with the right TROTS_KEY_FILE")
	}
	return nil
}

// CopyKeyFile copies the token key file from to to (0600), for a backup
// that is asked to carry it.
func CopyKeyFile(from, to string) error {
	key, err := readKeyFile(from)
	if err != nil {
		return fmt.Errorf("survey: copy token key: %w", err)
	}
	if err := os.WriteFile(to, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return fmt.Errorf("survey: copy token key to %s: %w", to, err)
	}
	return nil
}
