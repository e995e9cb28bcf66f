package accounts

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"

	"trots/survey"
)

// commonPasswordWords are the words that most guessed passwords are built
// from (lists of leaked passwords, in Dutch and English), one a line.
// Short ones are refused by the length rule anyway; these catch the
// long variants people type to pass it: "Wachtwoord2026!", "password1234",
// "qwertyuiop123".
//
//go:embed password_words.txt
var commonPasswordWordsText string

var (
	commonWordsOnce sync.Once
	commonWords     map[string]bool
)

func isCommonWord(w string) bool {
	commonWordsOnce.Do(func() {
		commonWords = map[string]bool{}
		sc := bufio.NewScanner(strings.NewReader(commonPasswordWordsText))
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
				commonWords[w] = true
			}
		}
	})
	return commonWords[w]
}

// sequences are runs people type as passwords: digits, the alphabet and
// the rows of the keyboards used in the Netherlands and Belgium.
var sequences = []string{
	"0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba",
	"qwertyuiopasdfghjklzxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
	"1qaz2wsx3edc4rfv5tgb", "1q2w3e4r5t6y7u8i9o0p", "qazwsxedcrfvtgbyhnujmik",
}

// leet undoes the usual letter-for-digit swaps (p@ssw0rd).
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s")

// weakPassword refuses passwords that pass the length rule but are still
// guessed first: only white space, a handful of different characters
// ("aaaaaaaaaaaa", "abababababab"), a keyboard or counting run
// ("123456789012", "qwertyuiop12"), a common word with digits and signs
// around it ("Wachtwoord2026!"), or the account's own e-mail address or
// its name part.
func weakPassword(p, email string) error {
	if strings.TrimSpace(p) == "" {
		return errorf(survey.EInvalid, "password_blank", "a password of white space only is not accepted: choose a passphrase of a few words")
	}
	distinct := map[rune]bool{}
	for _, r := range p {
		distinct[unicode.ToLower(r)] = true
	}
	if len(distinct) < 5 {
		return errorf(survey.EInvalid, "password_repetitive", "this password repeats a few characters: choose a passphrase of a few words")
	}
	lower := strings.ToLower(p)
	if email = strings.ToLower(strings.TrimSpace(email)); email != "" {
		local, _, _ := strings.Cut(email, "@")
		if strings.Contains(lower, email) || (len(local) >= 4 && strings.Contains(lower, local)) {
			return errorf(survey.EInvalid, "password_email", "a password may not contain the account's e-mail address or its name: choose a passphrase of a few words")
		}
	}
	// What is left without digits, signs and spaces around and between
	// the letters, also with the usual swaps inside the word undone:
	// "P@ssw0rd 2026!" is "password".
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return r
			}
			return -1
		}, s)
	}
	inner := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	cores := []string{letters(lower), letters(leet.Replace(inner))}
	compact := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, lower)
	for _, seq := range sequences {
		if len(compact) >= 6 && strings.Contains(seq+seq, compact) {
			return errorf(survey.EInvalid, "password_sequence", "a keyboard or counting run is guessed first: choose a passphrase of a few words")
		}
	}
	for _, core := range cores {
		if isCommonWord(core) || isRepeatedCommon(core) || isSequencePlusDigits(core) {
			return errorf(survey.EInvalid, "password_common", "this password is among the first a guesser tries (a common word with digits or signs): choose a passphrase of a few words")
		}
	}
	return nil
}

// isRepeatedCommon: "welkomwelkom", "adminadmin".
func isRepeatedCommon(core string) bool {
	for n := 3; n <= len(core)/2; n++ {
		if len(core)%n == 0 && strings.Repeat(core[:n], len(core)/n) == core && isCommonWord(core[:n]) {
			return true
		}
	}
	return false
}

// isSequencePlusDigits: the letters alone are a keyboard run ("qwerty"
// of "qwerty123456").
func isSequencePlusDigits(core string) bool {
	if len(core) < 4 {
		return true // a few letters among digits: "2026ab123456"
	}
	for _, seq := range sequences {
		if strings.Contains(seq, core) {
			return true
		}
	}
	return false
}
