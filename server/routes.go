package server

import (
	"github.com/labstack/echo/v4"
)

// routes is the sitemap of trots.
func (s *Server) routes() {
	s.e.GET("/healthz", s.healthz)
	s.e.GET("/readyz", s.readyz)
	s.e.GET("/static/:file", s.serveStatic)
	if s.cfg.Metrics != nil && s.cfg.MetricsToken != "" {
		s.e.GET("/metrics", s.serveMetrics) // operational counts, behind a token
	}

	// Respondents answer through their department's link, or through a
	// single-use invitation. Posts must come from the survey's own pages,
	// have a short deadline for their body (surveyBodyDeadline), and are
	// rate limited per link in the handlers, once the link is known and
	// the answers are checked (ratelimit.go): valid answers and refused
	// posts have budgets of their own, one address gets a share of each,
	// and made-up codes share one bucket.
	formPost := []echo.MiddlewareFunc{s.surveyBodyDeadline, crossOrigin(s.denyCrossOriginPage)}
	s.e.GET("/s/:code", s.surveyForm)
	s.e.POST("/s/:code", s.surveySubmit, formPost...)
	s.e.GET("/s/:code/thanks", s.surveyThanks)
	s.e.GET("/i/:token", s.invitationForm)
	// Invitations are limited per token, in the handler (the token is in
	// the body): one bucket for all of them would let anyone block every
	// invitation with made-up tokens, and cap a whole organisation's
	// Monday-morning answers at one link's rate.
	s.e.POST("/i", s.invitationSubmit, formPost...)
	s.e.GET("/i/thanks", s.invitationThanks)
	// Personal codes from paper slips (survey_codes.go): typed on /c or
	// scanned (/c/:code); the form then goes to /i like an invitation's.
	// Look-ups are limited like invitations: per known code, and one
	// bucket for all unknown ones.
	s.e.GET("/c", s.codeEntry)
	s.e.POST("/c", s.codeLookup, crossOrigin(s.denyCrossOriginPage))
	s.e.GET("/c/:code", s.codeForm)
	// Pulses answered with sign-on (signon_survey.go): the respondent
	// signs on at the organisation's provider first; the provider sends
	// them back to /login/signon/callback.
	s.e.GET("/s/:code/signon", s.surveySignOn)

	// The same survey as JSON, for organisations that show it elsewhere.
	s.e.GET("/api/v1/surveys/:code", s.apiSurvey)
	s.e.POST("/api/v1/surveys/:code/responses", s.apiSubmit, s.surveyBodyDeadline, crossOrigin(s.denyCrossOriginAPI))
	s.e.GET("/api/openapi.json", s.openAPI)

	// The console: HR and management log in; every route below the login
	// names the roles it admits (requireRole, console.go), and forms carry
	// the session's CSRF token. A store without accounts has no console.
	if s.data != nil {
		s.e.GET("/login", s.loginForm)
		s.e.POST("/login", s.login, crossOrigin(s.denyCrossOriginConsole), s.loginRate())
		s.e.POST("/logout", s.logout, s.requireRole(everyRole...))
		// Single sign-on (signon.go): staff go to the provider, and staff
		// and respondents come back to the callback. Both are open: the
		// provider, the state, the nonce and PKCE do the checking.
		if s.signon != nil {
			s.e.GET("/login/signon", s.signOnStaff)
			s.e.GET("/login/signon/callback", s.signOnCallbackHandler)
		}
		s.e.GET("/board", s.board, s.requireRole(boardReaders...))
		s.e.GET("/board.csv", s.boardCSV, s.requireRole(anyRole...)) // decision notes: not the council's
		// Exports as the board shows them to the user (export.go); they
		// hold decision notes too, so not the council's.
		s.e.GET("/board.xlsx", s.boardXLSX, s.requireRole(anyRole...))
		s.e.GET("/results.xlsx", s.resultsXLSX, s.requireRole(anyRole...))
		s.e.GET("/decisions.csv", s.decisionsCSV, s.requireRole(anyRole...))
		s.e.GET("/decisions.xlsx", s.decisionsXLSX, s.requireRole(anyRole...))
		s.e.GET("/board/departments/:id", s.boardDepartment, s.requireRole(boardReaders...))
		s.e.POST("/board/departments/:id/decisions", s.recordDecision, s.requireRole(deciders...))
		// Action plans of a department that is not GO (action_plan.go):
		// HR, and the lead for the own department.
		s.e.POST("/board/departments/:id/actions", s.addActionForm, s.requireRole(planners...))
		s.e.POST("/board/departments/:id/actions/:action", s.updateActionForm, s.requireRole(planners...))
		// PDF reports made in the background with their progress
		// (reports_page.go); a lead gets the own department's only.
		s.e.GET("/reports", s.reportsForm, s.requireRole(anyRole...))
		s.e.POST("/reports", s.reportsStart, s.requireRole(anyRole...))
		s.e.GET("/reports/:job", s.reportJob, s.requireRole(anyRole...))
		s.e.GET("/reports/:job/pdf", s.reportJobPDF, s.requireRole(anyRole...))
		// The same report as an accessible HTML page (reports_html.go),
		// shown in the browser or, with ?download=1, downloaded.
		s.e.GET("/reports/:job/html", s.reportJobHTML, s.requireRole(anyRole...))
		// One-time links for accounts (account_link.go): an invitation, a
		// password reset or the first administrator's setup. The token is
		// the only credential, so the routes are public; the post carries
		// it in its body, and posts from other sites are refused.
		s.e.GET("/account/:token", s.accountLinkForm)
		s.e.POST("/account", s.useAccountLink, crossOrigin(s.denyCrossOriginConsole))
		// Accounts (accounts.go): HR invites, changes roles, disables and
		// enables, issues reset links, ends sessions and API tokens.
		s.e.GET("/users", s.users, s.requireRole(adminsOnly...))
		s.e.POST("/users/invite", s.inviteUser, s.requireRole(adminsOnly...))
		s.e.GET("/users/:id", s.user, s.requireRole(adminsOnly...))
		s.e.POST("/users/:id/role", s.changeUserRole, s.requireRole(adminsOnly...))
		s.e.POST("/users/:id/disable", s.setUserDisabled(true), s.requireRole(adminsOnly...))
		s.e.POST("/users/:id/enable", s.setUserDisabled(false), s.requireRole(adminsOnly...))
		s.e.POST("/users/:id/reset", s.resetUser, s.requireRole(adminsOnly...))
		s.e.POST("/users/:id/sessions/:session/end", s.endUserSession, s.requireRole(adminsOnly...))
		s.e.POST("/users/:id/tokens/:token/revoke", s.revokeUserToken, s.requireRole(adminsOnly...))
		// The audit log of administrative actions (audit.go), for the
		// administrators and the works council.
		s.e.GET("/audit", s.auditLog, s.requireRole(auditReaders...))
		s.e.GET("/audit.csv", s.auditCSV, s.requireRole(auditReaders...))
		s.e.GET("/participation", s.participation, s.requireRole(adminsOnly...))
		// Organisation settings (settings.go): the privacy notice, the
		// thresholds and the defaults of new pulses; every change audited.
		s.e.GET("/settings", s.settingsForm, s.requireRole(adminsOnly...))
		s.e.POST("/settings", s.saveSettings, s.requireRole(adminsOnly...))
		// Departments: list, add, change, delete, CSV import (departments.go).
		s.e.GET("/departments", s.departmentsList, s.requireRole(adminsOnly...))
		s.e.POST("/departments", s.createDepartment, s.requireRole(adminsOnly...))
		s.e.POST("/departments/import", s.importDepartments, s.requireRole(adminsOnly...), s.withinQuota(quotaImports))
		s.e.GET("/departments/:id", s.departmentEdit, s.requireRole(adminsOnly...))
		s.e.POST("/departments/:id", s.updateDepartment, s.requireRole(adminsOnly...))
		s.e.POST("/departments/:id/delete", s.deleteDepartment, s.requireRole(adminsOnly...))
		// The pulse lifecycle (pulses.go); /pulses/:id/links is the links room's.
		s.e.GET("/pulses", s.pulses, s.requireRole(adminsOnly...))
		s.e.POST("/pulses", s.createPulse, s.requireRole(adminsOnly...))
		s.e.GET("/pulses/:id", s.pulse, s.requireRole(adminsOnly...))
		s.e.GET("/pulses/:id/next", s.nextPulse, s.requireRole(adminsOnly...))
		s.e.POST("/pulses/:id/open", s.transition("open"), s.requireRole(adminsOnly...))
		s.e.POST("/pulses/:id/close", s.transition("close"), s.requireRole(adminsOnly...))
		// A pulse's survey links with QR codes, posters and invitations
		// (pulse_links.go): the links are secrets, so HR only. Posters,
		// invitation batches and CSV imports have daily allowances per
		// account (quota.go), as report jobs do (in the store).
		s.e.GET("/pulses/:id/links", s.pulseLinks, s.requireRole(adminsOnly...))
		s.e.GET("/pulses/:id/links/:department/qr.svg", s.pulseLinkQR("svg"), s.requireRole(adminsOnly...))
		s.e.GET("/pulses/:id/links/:department/qr.png", s.pulseLinkQR("png"), s.requireRole(adminsOnly...))
		s.e.GET("/pulses/:id/links/:department/poster.pdf", s.pulseLinkPoster, s.requireRole(adminsOnly...), s.withinQuota(quotaPosters))
		s.e.POST("/pulses/:id/links/:department/invitations", s.pulseLinkInvitations, s.requireRole(adminsOnly...), s.withinQuota(quotaInvitations))
		s.e.POST("/pulses/:id/links/:department/codes", s.pulseLinkCodes, s.requireRole(adminsOnly...), s.withinQuota(quotaInvitations))
		// The same as JSON, with per-user API tokens (openapi.json).
		s.e.GET("/api/v1/departments", s.apiDepartments, s.requireRole(anyRole...))
		s.e.POST("/api/v1/departments", s.apiCreateDepartment, s.requireRole(adminsOnly...))
		s.e.POST("/api/v1/departments/import", s.apiImportDepartments, s.requireRole(adminsOnly...), s.withinQuota(quotaImports))
		s.e.PUT("/api/v1/departments/:id", s.apiUpdateDepartment, s.requireRole(adminsOnly...))
		s.e.DELETE("/api/v1/departments/:id", s.apiDeleteDepartment, s.requireRole(adminsOnly...))
		s.e.GET("/api/v1/pulses", s.apiPulses, s.requireRole(anyRole...))
		s.e.POST("/api/v1/pulses", s.apiCreatePulse, s.requireRole(adminsOnly...))
		s.e.POST("/api/v1/pulses/:id/open", s.apiTransition("open"), s.requireRole(adminsOnly...))
		s.e.POST("/api/v1/pulses/:id/close", s.apiTransition("close"), s.requireRole(adminsOnly...))
		s.e.GET("/api/v1/pulses/:id/results", s.apiResults, s.requireRole(anyRole...))
		s.e.GET("/api/v1/pulses/:id/decisions", s.apiDecisions, s.requireRole(anyRole...))
		s.e.POST("/api/v1/pulses/:id/decisions", s.apiRecordDecision, s.requireRole(deciders...))
		s.e.GET("/api/v1/pulses/:id/departments/:department/actions", s.apiActions, s.requireRole(anyRole...))
		s.e.POST("/api/v1/pulses/:id/departments/:department/actions", s.apiAddAction, s.requireRole(planners...))
		s.e.PUT("/api/v1/pulses/:id/departments/:department/actions/:action", s.apiUpdateAction, s.requireRole(planners...))
		s.e.POST("/api/v1/pulses/:id/reports", s.apiStartReport, s.requireRole(anyRole...))
		s.e.GET("/api/v1/reports/:job", s.apiReportJob, s.requireRole(anyRole...))
		s.e.GET("/api/v1/reports/:job/pdf", s.apiReportJobPDF, s.requireRole(anyRole...))
		s.e.GET("/api/v1/reports/:job/html", s.apiReportJobHTML, s.requireRole(anyRole...))
		s.e.GET("/api/v1/audit", s.apiAudit, s.requireRole(auditReaders...))
		s.e.GET("/api/v1/settings", s.apiGetSettings, s.requireRole(adminsOnly...))
		s.e.PUT("/api/v1/settings", s.apiPutSettings, s.requireRole(adminsOnly...))
		// Accounts as JSON (accounts_api.go), for HR's own tools.
		s.e.GET("/api/v1/users", s.apiUsers, s.requireRole(adminsOnly...))
		s.e.POST("/api/v1/users/invitations", s.apiInviteUser, s.requireRole(adminsOnly...))
		s.e.GET("/api/v1/users/:id", s.apiUser, s.requireRole(adminsOnly...))
		s.e.PATCH("/api/v1/users/:id", s.apiUpdateUser, s.requireRole(adminsOnly...))
		s.e.POST("/api/v1/users/:id/reset", s.apiResetUser, s.requireRole(adminsOnly...))
		s.e.DELETE("/api/v1/users/:id/sessions/:session", s.apiEndUserSession, s.requireRole(adminsOnly...))
		s.e.DELETE("/api/v1/users/:id/tokens/:token", s.apiRevokeUserToken, s.requireRole(adminsOnly...))
	}
}
