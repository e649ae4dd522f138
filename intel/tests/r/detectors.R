# Reference outputs of R surveillance for intel/tests/test_aberration_vs_r.py.
# Usage: Rscript detectors.R <series.csv> <configs.csv> <out.csv>
# series.csv: one series per line, comma-separated counts (weekly, frequency 52).
# configs.csv: id,method,start,a,b,c (1-based start; a/b/c per method, see below).
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
series <- lapply(strsplit(readLines(args[1]), ","), as.numeric)
configs <- read.csv(args[2], stringsAsFactors = FALSE)
rows <- list()
for (s in seq_along(series)) {
  y <- series[[s]]
  n <- length(y)
  for (i in seq_len(nrow(configs))) {
    cfg <- configs[i, ]
    range <- cfg$start:n
    if (cfg$method %in% c("C1", "C2", "C3")) {  # a = baseline, b = alpha, c = minSigma
      res <- earsC(sts(observed = y, frequency = 52),
                   control = list(range = range, method = cfg$method, baseline = cfg$a,
                                  alpha = cfg$b, minSigma = cfg$c))
      ub <- as.vector(upperbound(res)); al <- as.vector(alarms(res))
    } else if (cfg$method == "bayes") {  # a = w, b = years back, c = alpha
      dp <- create.disProg(week = 1:n, observed = y, state = rep(0, n), freq = 52)
      res <- algo.bayes(dp, control = list(range = range, w = cfg$a, b = cfg$b, alpha = cfg$c, actY = TRUE))
      ub <- as.vector(res$upperbound); al <- as.vector(res$alarm)
    } else if (cfg$method == "cusum") {  # a = k, b = h
      dp <- create.disProg(week = 1:n, observed = y, state = rep(0, n), freq = 52)
      res <- algo.cusum(dp, control = list(range = range, k = cfg$a, h = cfg$b, trans = "standard"))
      ub <- as.vector(res$upperbound); al <- as.vector(res$alarm)
    }
    rows[[length(rows) + 1]] <- data.frame(series = s - 1, config = cfg$id, t = range - 1,
                                           upperbound = ub, alarm = as.integer(al))
  }
}
write.csv(do.call(rbind, rows), args[3], row.names = FALSE, na = "NA")
