# Reference figures for analysis/reference_test.go, computed independently
# of trots with base R and psych.
#
#   cd analysis/testdata && Rscript reference.R    # writes reference.json
#
# Input: reference.csv (68 respondents in 4 departments, 8% missing answers,
# reverse-keyed items pride_3r and stab_2r) answering questionnaire.yaml.
# Made with R 4.2.2 and psych 2.2.9.
#
# Rules reproduced here (analysis/README.md):
#  - reverse-keyed: 6 - x; person score = mean of answered items if at least
#    half of the dimension's items are answered, else missing;
#  - person gap = mean over pairs answered on both sides of promise - reality,
#    if at least half of the pairs are answered;
#  - per department and organisation: t.test() interval of the mean;
#    favourable = score >= 4 (barriers, where high means more obstacles:
#    score <= 2) with the Wilson interval of prop.test(correct = FALSE); eNPS with the adjusted-Wald interval (Rocks 2016);
#  - Cronbach's alpha with psych::alpha on the item answers of the
#    respondents who have a score (pairwise covariances), at organisation
#    level and for departments of at least 30;
#  - department vs rest: t.test(dept, rest) (Welch), Hedges' g with the
#    pooled sd and J = 1 - 3/(4(n1+n2)-9), and p.adjust(method = "BH")
#    over all departments x (scored dimensions + gap).
suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

d <- read.csv("reference.csv", check.names = FALSE, stringsAsFactors = FALSE,
              na.strings = "", encoding = "UTF-8")
dims <- list(
  pride = c("pride_1", "pride_2", "pride_3r"),
  content = c("content_1", "content_2"),
  communication = c("comm_1", "comm_2"),
  stability = c("stab_1", "stab_2r"),
  management = c("mgmt_1", "mgmt_2"),
  willingness = c("will_1", "will_2"),
  barriers = c("barrier_1", "barrier_2")
)
reversed <- c("pride_3r", "stab_2r")
pairs <- list(autonomy = c("gap_a_promise", "gap_a_reality"),
              balance = c("gap_b_promise", "gap_b_reality"))
level <- 0.95

for (it in reversed) d[[it]] <- 6 - d[[it]]

score <- function(items) {
  m <- as.matrix(d[, items, drop = FALSE])
  answered <- rowSums(!is.na(m))
  s <- rowMeans(m, na.rm = TRUE)
  s[answered == 0 | answered < length(items) / 2] <- NA
  s
}
scores <- lapply(dims, score)
pairdiff <- lapply(pairs, function(p) d[[p[1]]] - d[[p[2]]])
pd <- do.call(cbind, pairdiff)
nanswered <- rowSums(!is.na(pd))
gap <- rowMeans(pd, na.rm = TRUE)
gap[nanswered == 0 | nanswered < length(pairs) / 2] <- NA
scores$gap <- gap

describe_cell <- function(x, favourable = TRUE, barrier = FALSE) {
  x <- x[!is.na(x)]
  tt <- t.test(x, conf.level = level)
  out <- list(n = length(x), mean = mean(x), sd = sd(x),
              ci_low = tt$conf.int[1], ci_high = tt$conf.int[2])
  if (favourable) {
    fav <- if (barrier) sum(x <= 2) else sum(x >= 4)
    # prop.test warns about the chi-squared approximation of its test;
    # only its (Wilson) interval is used.
    w <- suppressWarnings(prop.test(fav, length(x), conf.level = level, correct = FALSE))$conf.int
    out$favourable <- list(count = fav, ci_low = w[1], ci_high = w[2])
  } else {
    out$t <- unname(tt$statistic)
    out$df <- unname(tt$parameter)
    out$p <- tt$p.value
  }
  out
}

enps <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x); P <- sum(x >= 9); D <- sum(x <= 6)
  z <- qnorm(1 - (1 - level) / 2)
  pt <- (P + 0.75) / (n + 3); dt <- (D + 0.75) / (n + 3)
  se <- sqrt((pt + dt - (pt - dt)^2) / (n + 3))
  list(n = n, promoters = P, detractors = D, value = 100 * (P - D) / n,
       ci_low = 100 * ((pt - dt) - z * se), ci_high = 100 * ((pt - dt) + z * se))
}

alpha_of <- function(rows, items) {
  scored <- !is.na(score(items))[rows]
  m <- as.matrix(d[rows, items, drop = FALSE])[scored, , drop = FALSE]
  a <- suppressWarnings(psych::alpha(m, check.keys = FALSE, warnings = FALSE))
  list(n = nrow(m), alpha = a$total$raw_alpha, alpha_std = a$total$std.alpha,
       alpha_if_deleted = unname(a$alpha.drop$raw_alpha),
       item_rest = unname(a$item.stats$r.drop))
}

group <- function(rows) {
  out <- list(n = sum(rows), dimensions = list())
  for (id in names(dims)) {
    cell <- describe_cell(scores[[id]][rows], barrier = id == "barriers")
    cell$id <- id
    if (sum(!is.na(scores[[id]][rows])) >= 30) cell$alpha <- alpha_of(rows, dims[[id]])
    out$dimensions[[length(out$dimensions) + 1]] <- cell
  }
  out$gap <- describe_cell(scores$gap[rows], favourable = FALSE)
  out$pairs <- lapply(names(pairs), function(p) {
    c <- describe_cell(pairdiff[[p]][rows], favourable = FALSE); c$topic <- p; c
  })
  out$enps <- enps(d$enps[rows])
  out
}

depts <- sort(unique(d$department))
res <- list(organisation = group(rep(TRUE, nrow(d))), departments = list())
tests <- list()
for (name in depts) {
  rows <- d$department == name
  g <- group(rows)
  g$name <- name
  g$vs_rest <- list()
  for (id in c(names(dims), "gap")) {
    x <- scores[[id]][rows]; x <- x[!is.na(x)]
    y <- scores[[id]][!rows]; y <- y[!is.na(y)]
    tt <- t.test(x, y, conf.level = level)
    n1 <- length(x); n2 <- length(y)
    sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / (n1 + n2 - 2))
    g$vs_rest[[length(g$vs_rest) + 1]] <- list(
      dimension = id, rest_n = n2, diff = mean(x) - mean(y),
      t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
      ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
      hedges_g = (1 - 3 / (4 * (n1 + n2) - 9)) * (mean(x) - mean(y)) / sp)
    tests[[length(tests) + 1]] <- c(length(res$departments) + 1, length(g$vs_rest))
  }
  res$departments[[length(res$departments) + 1]] <- g
}
p <- sapply(tests, function(ix) res$departments[[ix[1]]]$vs_rest[[ix[2]]]$p)
q <- p.adjust(p, method = "BH")
for (i in seq_along(tests)) {
  ix <- tests[[i]]
  res$departments[[ix[1]]]$vs_rest[[ix[2]]]$q <- q[i]
}
res$made_with <- paste(R.version.string, "psych", as.character(packageVersion("psych")))
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE), "reference.json")
