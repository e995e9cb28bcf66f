# The R side of the analysis benchmark (issue 4): the same work as the core
# of BenchmarkAnalyze, on the same data, with base R and psych.
#
#   go test ./analysis -run '^TestWriteBenchCSV$' -benchcsv /tmp/trots-bench.csv
#   Rscript analysis/testdata/bench.R /tmp/trots-bench.csv
#
# Work timed (compute_seconds): dimension scores of 100,000 respondents
# (reverse-keying, half rule), the t-interval of every department x scored
# dimension (t.test), Cronbach's alpha of every scored dimension at
# organisation level (psych::alpha), department-vs-rest Welch tests for 200
# departments x 8 (7 scored dimensions + the person gap) = 1,600 t.test()
# calls, and p.adjust(method = "BH"). Reading the CSV is timed apart
# (read_seconds). The item lists follow questionnaires/advocacy-readiness.yaml.
suppressPackageStartupMessages(library(psych))

args <- commandArgs(trailingOnly = TRUE)
file <- if (length(args) > 0) args[1] else "/tmp/trots-bench.csv"

t0 <- proc.time()[["elapsed"]]
d <- read.csv(file, stringsAsFactors = FALSE, na.strings = "")
t1 <- proc.time()[["elapsed"]]

dims <- list(
  pride = c("pride_job_only", "pride_impact", "pride_work"),
  content = c("content_pay", "content_security", "content_growth", "content_challenge",
              "content_autonomy", "content_belonging", "content_competence", "content_warmth"),
  communication = c("comm_strategy", "comm_successes", "comm_values", "comm_consistent", "comm_guidelines"),
  stability = c("stab_year", "stab_looking", "stab_future"),
  management = c("mgmt_sharing", "mgmt_voice", "mgmt_leaders"),
  willingness = c("will_stories", "will_online", "will_refer"),
  barriers = c("barrier_audience", "barrier_mistake", "barrier_pressure")
)
reversed <- c("pride_job_only", "stab_looking")
topics <- c("innovation", "autonomy", "balance", "development")
level <- 0.95

for (it in reversed) d[[it]] <- 6 - d[[it]]
score <- function(items) {
  m <- as.matrix(d[, items])
  answered <- rowSums(!is.na(m))
  s <- rowMeans(m, na.rm = TRUE)
  s[answered == 0 | answered < length(items) / 2] <- NA
  s
}
scores <- lapply(dims, score)
pd <- sapply(topics, function(t) d[[paste0("gap_", t, "_promise")]] - d[[paste0("gap_", t, "_reality")]])
gap <- rowMeans(pd, na.rm = TRUE)
gap[rowSums(!is.na(pd)) < length(topics) / 2] <- NA
scores$gap <- gap

dept <- d$department
depts <- sort(unique(dept))

# Per-department t-intervals of every scored dimension.
intervals <- lapply(names(dims), function(id) {
  t(sapply(depts, function(g) {
    x <- scores[[id]][dept == g]
    x <- x[!is.na(x)]
    c(n = length(x), mean = mean(x), t.test(x, conf.level = level)$conf.int)
  }))
})

# Organisation alpha per dimension (pairwise covariances, as trots).
alphas <- sapply(names(dims), function(id) {
  m <- as.matrix(d[!is.na(scores[[id]]), dims[[id]]])
  suppressWarnings(psych::alpha(m, check.keys = FALSE, warnings = FALSE))$total$raw_alpha
})

# Department vs rest: 200 x 8 Welch tests, then BH.
p <- unlist(lapply(c(names(dims), "gap"), function(id) {
  s <- scores[[id]]
  sapply(depts, function(g) {
    inside <- dept == g
    t.test(s[inside], s[!inside], conf.level = level)$p.value
  })
}))
q <- p.adjust(p, method = "BH")
t2 <- proc.time()[["elapsed"]]

cat(sprintf("read_seconds %.3f\n", t1 - t0))
cat(sprintf("compute_seconds %.3f\n", t2 - t1))
cat(sprintf("welch_tests %d\n", length(p)))
cat(sprintf("respondents %d departments %d\n", nrow(d), length(depts)))
cat(sprintf("alpha %s\n", paste(sprintf("%.4f", alphas), collapse = " ")))
