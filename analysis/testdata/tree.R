# Reference figures of a department tree for analysis/tree_reference_test.go,
# computed independently of trots with base R and psych.
#
#   cd analysis/testdata && Rscript tree.R    # writes tree.json
#
# Input: reference.csv (see reference.R) read as a tree of two levels:
#
#   ICT (32 own respondents)            Publiekszaken (none of its own)
#   `-- Finance (12)                    |-- Klantcontact (15)
#                                       `-- Juridische zaken (9)
#
# A node is analysed as a group of its own respondents and everyone below
# it pooled: ICT = ICT + Finance (44), Publiekszaken = Klantcontact +
# Juridische zaken (24). The figures of a pooled node follow reference.R
# (t.test, prop.test Wilson, psych::alpha at n >= 30, eNPS adjusted Wald).
# Every node is compared with the rest of the organisation (Welch, Hedges'
# g, BH over all nodes x (dimensions + gap)), and every child with the rest
# of its parent (the parent's respondents minus the child's: Finance
# against ICT's own, Klantcontact against Juridische zaken and back; BH
# over those comparisons on their own).
# Made with R 4.2.2 and psych 2.2.9.
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


welch <- function(id, rows, other) {
  x <- scores[[id]][rows]; x <- x[!is.na(x)]
  y <- scores[[id]][other]; y <- y[!is.na(y)]
  tt <- t.test(x, y, conf.level = level)
  n1 <- length(x); n2 <- length(y)
  sp <- sqrt(((n1 - 1) * var(x) + (n2 - 1) * var(y)) / (n1 + n2 - 2))
  list(dimension = id, rest_n = n2, diff = mean(x) - mean(y),
       t = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
       ci_low = tt$conf.int[1], ci_high = tt$conf.int[2],
       hedges_g = (1 - 3 / (4 * (n1 + n2) - 9)) * (mean(x) - mean(y)) / sp)
}

dep <- d$department
nodes <- list(
  list(name = "ICT", rows = dep %in% c("ICT", "Finance"), parent = NA),
  list(name = "Finance", rows = dep == "Finance", parent = "ICT"),
  list(name = "Publiekszaken", rows = dep %in% c("Klantcontact", "Juridische zaken"), parent = NA),
  list(name = "Klantcontact", rows = dep == "Klantcontact", parent = "Publiekszaken"),
  list(name = "Juridische zaken", rows = dep == "Juridische zaken", parent = "Publiekszaken")
)
rows_of <- function(name) nodes[[which(sapply(nodes, function(x) x$name) == name)]]$rows
res <- list(nodes = list())
for (nd in nodes) {
  g <- group(nd$rows)
  g$name <- nd$name
  g$vs_rest <- lapply(c(names(dims), "gap"), function(id) welch(id, nd$rows, !nd$rows))
  if (!is.na(nd$parent)) {
    other <- rows_of(nd$parent) & !nd$rows
    g$vs_parent <- lapply(c(names(dims), "gap"), function(id) welch(id, nd$rows, other))
  }
  res$nodes[[length(res$nodes) + 1]] <- g
}
bh <- function(field) {
  ix <- list()
  for (i in seq_along(res$nodes)) {
    for (j in seq_along(res$nodes[[i]][[field]])) ix[[length(ix) + 1]] <- c(i, j)
  }
  p <- sapply(ix, function(k) res$nodes[[k[1]]][[field]][[k[2]]]$p)
  q <- p.adjust(p, method = "BH")
  for (m in seq_along(ix)) {
    k <- ix[[m]]
    res$nodes[[k[1]]][[field]][[k[2]]]$q <<- q[m]
  }
}
bh("vs_rest")
bh("vs_parent")
res$made_with <- paste(R.version.string, "psych", as.character(packageVersion("psych")))
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tree.json")
