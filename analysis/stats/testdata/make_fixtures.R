#!/usr/bin/env Rscript
# Reference values for package trots/analysis/stats, computed independently in R.
#
# Run from anywhere:  Rscript analysis/stats/testdata/make_fixtures.R
#
# The CSV files in this folder are the committed datasets. They are generated
# once (set.seed) when absent and from then on only read, so rerunning the
# script reproduces reference.json exactly from the committed data. Delete a
# CSV to regenerate it. Continuous values are rounded to 2-3 decimals before
# writing so that R and Go parse exactly the same doubles.
#
# Requires: psych, jsonlite.

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
dir <- if (length(script) == 1) dirname(normalizePath(script)) else getwd()
path <- function(f) file.path(dir, f)

RNGkind("Mersenne-Twister", "Inversion", "Rejection")
ensure <- function(file, make) {
  if (!file.exists(path(file))) {
    write.csv(make(), path(file), row.names = FALSE, na = "NA", quote = FALSE)
  }
  read.csv(path(file), na.strings = "NA")
}

# ---------------------------------------------------------------- datasets
likert <- function(n, seed) {
  set.seed(seed)
  f <- rnorm(n)
  load <- c(0.9, 0.8, -0.7, 0.85, 0.6, -0.75)  # items 3 and 6 are reverse-keyed
  x <- sapply(load, function(l) pmin(5, pmax(1, round(3 + l * f + rnorm(n, 0, 0.8)))))
  colnames(x) <- paste0("item", 1:6)
  as.data.frame(x)
}
complete <- ensure("likert_complete.csv", function() likert(50, 101))
missing <- ensure("likert_missing.csv", function() {
  x <- likert(40, 202)
  set.seed(203)
  m <- as.matrix(x)
  m[sample(length(m), round(0.08 * length(m)))] <- NA
  m[17, ] <- NA  # one respondent who answered nothing
  as.data.frame(m)
})
reverse <- c("item3", "item6")
rev_items <- function(x) { x[reverse] <- 6 - x[reverse]; x }

groups <- ensure("groups.csv", function() {
  set.seed(303)
  mk <- function(case, group, v) data.frame(case = case, group = group, value = round(v, 2))
  rbind(
    mk("a", "x", rnorm(25, 3.8, 0.7)), mk("a", "y", rnorm(40, 3.4, 1.1)),
    mk("b", "x", rnorm(3, 3.0, 0.5)), mk("b", "y", rnorm(5, 3.9, 0.9)),
    mk("c", "x", rnorm(12, 4.1, 0.5)), mk("c", "y", rnorm(200, 3.6, 0.9)),
    mk("d", "x", rep(4, 4)), mk("d", "y", rnorm(10, 3.5, 0.8)))
})

paired <- ensure("paired.csv", function() {
  set.seed(404)
  promise <- pmin(5, pmax(1, rnorm(35, 4.2, 0.6)))
  reality <- pmin(5, pmax(1, promise - rnorm(35, 0.6, 0.7)))
  data.frame(id = 1:35, promise = round(promise, 2), reality = round(reality, 2))
})

enps <- ensure("enps.csv", function() {
  set.seed(505)
  s10 <- sample(0:10, 10, replace = TRUE, prob = c(1, 1, 1, 2, 2, 3, 4, 6, 8, 7, 5))
  s37 <- sample(0:10, 37, replace = TRUE, prob = c(1, 1, 1, 2, 2, 3, 4, 6, 8, 7, 5))
  s37[5] <- NA
  rbind(data.frame(case = "n10", score = s10), data.frame(case = "n37", score = s37),
        data.frame(case = "allpro", score = rep(10, 5)))
})

pvalues <- ensure("pvalues.csv", function() {
  set.seed(606)
  p <- signif(c(runif(12), rbeta(6, 0.3, 8)), 4)
  p[4] <- NA
  p[9] <- p[2]  # a tie
  p[15] <- 1e-6
  data.frame(p = p)
})

drivers <- ensure("drivers.csv", function() {
  set.seed(707)
  n <- 200
  z <- rnorm(n)
  X <- sapply(c(0.7, 0.6, 0.5, 0.3, 0.1), function(l) l * z + sqrt(1 - l^2) * rnorm(n))
  y <- X %*% c(0.40, 0.25, 0.15, 0.10, 0.0) + rnorm(n, 0, 0.8)
  d <- as.data.frame(round(cbind(X, y), 3))
  colnames(d) <- c(paste0("x", 1:5), "y")
  d
})

# ---------------------------------------------------------------- helpers
t_ci <- function(v, level) unname(t.test(v, conf.level = level)$conf.int[1:2])
hedges_g <- function(x, y) {
  n1 <- length(x); n2 <- length(y)
  sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / (n1 + n2 - 2))
  (1 - 3 / (4 * (n1 + n2) - 9)) * (mean(x) - mean(y)) / sp
}
feldt <- function(a, n, k, level = 0.95) {
  c(1 - (1 - a) * qf((1 + level) / 2, n - 1, (n - 1) * (k - 1)),
    1 - (1 - a) * qf((1 - level) / 2, n - 1, (n - 1) * (k - 1)))
}
alpha_ref <- function(name, raw) {
  x <- rev_items(raw)
  a <- psych::alpha(x)
  ncomp <- sum(complete.cases(x))
  list(
    file = name, reverse = reverse,
    call = "psych::alpha(x) on x with reverse items as 6 - x; feldt via qf with n = sum(complete.cases(x))",
    n = sum(rowSums(!is.na(x)) > 0), k = ncol(x), n_complete = ncomp,
    raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
    alpha_drop = a$alpha.drop$raw_alpha, r_drop = a$item.stats$r.drop,
    feldt = feldt(a$total$raw_alpha, ncomp, ncol(x)))
}

# ---------------------------------------------------------------- reference values
ref <- list(
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  jsonlite_version = as.character(packageVersion("jsonlite")))

ref$alpha <- list(alpha_ref("likert_complete.csv", complete),
                  alpha_ref("likert_missing.csv", missing))

ref$describe <- list()
ref$welch <- list()
for (cs in unique(groups$case)) {
  x <- groups$value[groups$case == cs & groups$group == "x"]
  y <- groups$value[groups$case == cs & groups$group == "y"]
  for (g in c("x", "y")) {
    v <- if (g == "x") x else y
    if (length(unique(v)) > 1) for (level in c(0.95, 0.90)) {
      ref$describe[[length(ref$describe) + 1]] <- list(
        case = cs, group = g, level = level,
        call = sprintf("t.test(v, conf.level = %g)$conf.int; mean(v); sd(v)", level),
        n = length(v), mean = mean(v), sd = sd(v), ci = t_ci(v, level))
    }
  }
  for (level in c(0.95, 0.90)) {
    tt <- t.test(x, y, conf.level = level)
    ref$welch[[length(ref$welch) + 1]] <- list(
      case = cs, level = level,
      call = sprintf("t.test(x, y, conf.level = %g)", level),
      diff = unname(tt$estimate[1] - tt$estimate[2]), t = unname(tt$statistic),
      df = unname(tt$parameter), p = tt$p.value, ci = unname(tt$conf.int[1:2]),
      hedges_g = hedges_g(x, y))
  }
}

d <- paired$promise - paired$reality
tp <- t.test(paired$promise, paired$reality, paired = TRUE)
tm <- t.test(d, mu = 0.5, conf.level = 0.9)
ref$paired <- list(
  list(mu = 0, level = 0.95, call = "t.test(promise, reality, paired = TRUE)",
       n = length(d), mean = unname(tp$estimate), sd = sd(d), t = unname(tp$statistic),
       df = unname(tp$parameter), p = tp$p.value, ci = unname(tp$conf.int[1:2]),
       dz = mean(d) / sd(d)),
  list(mu = 0.5, level = 0.9, call = "t.test(promise - reality, mu = 0.5, conf.level = 0.9)",
       n = length(d), mean = unname(tm$estimate), sd = sd(d), t = unname(tm$statistic),
       df = unname(tm$parameter), p = tm$p.value, ci = unname(tm$conf.int[1:2]),
       dz = mean(d) / sd(d)))

wilson_cases <- list(c(0, 10), c(3, 10), c(10, 10), c(17, 40), c(1, 1), c(81, 263), c(29, 30))
ref$wilson <- list()
for (wc in wilson_cases) for (level in c(0.95, 0.90)) {
  pt <- suppressWarnings(prop.test(wc[1], wc[2], correct = FALSE, conf.level = level)) # warns for small n; the interval is still Wilson
  ref$wilson[[length(ref$wilson) + 1]] <- list(
    x = wc[1], n = wc[2], level = level,
    call = sprintf("prop.test(%d, %d, correct = FALSE, conf.level = %g)$conf.int", wc[1], wc[2], level),
    p = unname(pt$estimate), ci = unname(pt$conf.int[1:2]))
}

ref$enps <- list()
for (cs in unique(enps$case)) for (level in c(0.95, 0.90)) {
  s <- na.omit(enps$score[enps$case == cs])
  n <- length(s); P <- sum(s >= 9); D <- sum(s <= 6)
  pa <- (P + 0.75) / (n + 3); da <- (D + 0.75) / (n + 3)
  se <- sqrt((pa + da - (pa - da)^2) / (n + 3))
  z <- qnorm((1 + level) / 2)
  ref$enps[[length(ref$enps) + 1]] <- list(
    case = cs, level = level,
    call = "adjusted Wald (Rocks 2016) by formula with qnorm, clamped to [-100, 100]",
    n = n, promoters = P, passives = n - P - D, detractors = D,
    value = 100 * (P - D) / n,
    ci = c(max(-100, 100 * (pa - da - z * se)), min(100, 100 * (pa - da + z * se))))
}

ref$bh <- list(call = "p.adjust(p, method = \"BH\")", p = pvalues$p,
               q = p.adjust(pvalues$p, method = "BH"))

X <- as.matrix(drivers[, paste0("x", 1:5)])
y <- drivers$y
Rxx <- cor(X); rxy <- cor(X, y)
e <- eigen(Rxx, symmetric = TRUE)
Lambda <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
beta <- solve(Lambda, rxy)
rw <- as.vector((Lambda^2) %*% beta^2)
p <- ncol(X)
r2_of <- function(S) if (length(S) == 0) 0 else summary(lm(y ~ X[, S, drop = FALSE]))$r.squared
subsets <- expand.grid(rep(list(c(FALSE, TRUE)), p))
r2s <- apply(subsets, 1, function(m) r2_of(which(m)))
key <- function(m) sum(m * 2^(0:(p - 1)))
lmg <- numeric(p)
for (i in seq_len(nrow(subsets))) {
  m <- unlist(subsets[i, ])
  s <- sum(m)
  for (j in which(!m)) {
    mj <- m; mj[j] <- TRUE
    lmg[j] <- lmg[j] + factorial(s) * factorial(p - s - 1) / factorial(p) *
      (r2s[key(mj) + 1] - r2s[i])
  }
}
ref$drivers <- list(
  file = "drivers.csv",
  call = "Johnson relative weights via eigen(cor(X)); LMG via all-subsets summary(lm(y ~ X[, S]))$r.squared",
  r2 = summary(lm(y ~ X))$r.squared, relative_weights = rw, lmg = lmg)

writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           path("reference.json"))
