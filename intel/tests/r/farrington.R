# Reference outputs of R surveillance for intel/tests/test_farrington_vs_r.py.
# Usage: Rscript farrington.R <series.csv> <configs.csv> <out.csv>
# series.csv: one series per line, comma-separated counts (frequency: the config's period).
# configs.csv: one row per parameter set: id, method ("farrington" = algo.farrington,
#   "flexible" = farringtonFlexible), start (1-based), b, w, alpha, reweight,
#   weightsThreshold, pThresholdTrend, pastWeeksNotIncluded, noPeriods, thresholdMethod,
#   powertrans, limitCases, limitPeriod, trend, dates (1 = epochAsDate with dates from
#   2015-01-05 weekly or 2012-06-01 daily; 0 = plain indices), period (52 or 365).
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
    x <- if (cfg$dates == 1) {
      first <- if (cfg$period == 52) as.Date("2015-01-05") else as.Date("2012-06-01")
      sts(observed = y, epoch = first + (if (cfg$period == 52) 7 else 1) * (0:(n - 1)), epochAsDate = TRUE,
          frequency = cfg$period)
    } else {
      sts(observed = y, frequency = cfg$period)
    }
    if (cfg$method == "farrington") {
      dp <- if (cfg$dates == 1) sts2disProg(x) else create.disProg(week = 1:n, observed = y, state = rep(0, n), freq = cfg$period)
      res <- suppressWarnings(algo.farrington(dp, control = list(
        range = range, b = cfg$b, w = cfg$w, alpha = cfg$alpha, reweight = as.logical(cfg$reweight),
        trend = as.logical(cfg$trend), limit54 = c(cfg$limitCases, cfg$limitPeriod),
        powertrans = cfg$powertrans)))
      ub <- as.vector(res$upperbound); al <- as.vector(res$alarm)
    } else {
      res <- suppressWarnings(farringtonFlexible(x, control = list(
        range = range, b = cfg$b, w = cfg$w, alpha = cfg$alpha, reweight = as.logical(cfg$reweight),
        weightsThreshold = cfg$weightsThreshold, pThresholdTrend = cfg$pThresholdTrend,
        pastWeeksNotIncluded = cfg$pastWeeksNotIncluded, noPeriods = cfg$noPeriods,
        thresholdMethod = cfg$thresholdMethod, powertrans = cfg$powertrans,
        limit54 = c(cfg$limitCases, cfg$limitPeriod), trend = as.logical(cfg$trend))))
      ub <- as.vector(upperbound(res)); al <- as.vector(alarms(res))
    }
    rows[[length(rows) + 1]] <- data.frame(series = s - 1, config = cfg$id, t = range - 1,
                                           upperbound = ub, alarm = as.integer(al))
  }
}
write.csv(do.call(rbind, rows), args[3], row.names = FALSE, na = "NA")
