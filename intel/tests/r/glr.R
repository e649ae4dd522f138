# Reference outputs of R surveillance / MASS for intel/tests/test_glr_vs_r.py.
#
# Usage:
#   Rscript glr.R charts <series.csv> <configs.csv> <out.csv>
#     series.csv: one weekly series per line (comma-separated counts, frequency 52).
#     configs.csv: id,algo,start,c_arl,theta,alpha,ret,M,dir,trend,S,series
#       (series: how many of the series to run it on — R's NB cases search is slow)
#       (1-based start; theta/alpha "NA" = not given; algo glrpois or glrnb;
#        without mu0, so R fits its in-control model on the weeks before start).
#     out.csv: series,config,t (0-based),upperbound,alarm,mu0,alpha
#   Rscript glr.R glmnb <series.csv> <fits.csv> <out.csv>
#     series.csv: daily series; fits.csv: series,begin,end,first_weekday,period,predict_end
#       (0-based, end exclusive): MASS::glm.nb of y ~ trend + weekday + 2 harmonics on
#       days begin … end − 1, predicted on days end … predict_end − 1.
#     out.csv: fit,kind (coef|theta|mu|bound),index,value
suppressMessages(library(surveillance))
suppressMessages(library(MASS))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
series <- lapply(strsplit(readLines(args[2]), ","), as.numeric)

if (mode == "charts") {
  configs <- read.csv(args[3], stringsAsFactors = FALSE)
  rows <- list()
  for (s in seq_along(series)) {
    y <- series[[s]]
    n <- length(y)
    dp <- create.disProg(week = 1:n, observed = y, state = rep(0, n), freq = 52)
    for (i in seq_len(nrow(configs))) {
      cfg <- configs[i, ]
      if (s > cfg$series) next
      range <- cfg$start:n
      control <- list(range = range, c.ARL = cfg$c_arl, M = cfg$M, dir = cfg$dir, ret = cfg$ret,
                      mu0 = list(S = cfg$S, trend = as.logical(cfg$trend)))
      if (!is.na(cfg$theta)) control$theta <- cfg$theta
      if (!is.na(cfg$alpha)) control$alpha <- cfg$alpha
      res <- suppressMessages(if (cfg$algo == "glrpois") algo.glrpois(dp, control) else algo.glrnb(dp, control))
      alpha <- if (is.null(res$control$alpha)) 0 else res$control$alpha
      rows[[length(rows) + 1]] <- data.frame(series = s - 1, config = cfg$id, t = range - 1,
                                             upperbound = as.vector(res$upperbound),
                                             alarm = as.integer(as.vector(res$alarm)),
                                             mu0 = as.vector(res$control$mu0), alpha = alpha)
    }
  }
  write.csv(do.call(rbind, rows), args[4], row.names = FALSE, na = "NA")
} else if (mode == "glmnb") {
  fits <- read.csv(args[3])
  rows <- list()
  for (f in seq_len(nrow(fits))) {
    cfg <- fits[f, ]
    y <- series[[cfg$series + 1]]
    t <- 0:(cfg$predict_end - 1)
    d <- data.frame(y = y[t + 1], trend = t / cfg$period,
                    wd = factor((cfg$first_weekday + t) %% 7, levels = 0:6),
                    cos1 = cos(2 * pi * t / cfg$period), sin1 = sin(2 * pi * t / cfg$period),
                    cos2 = cos(4 * pi * t / cfg$period), sin2 = sin(4 * pi * t / cfg$period))
    train <- d[(cfg$begin + 1):cfg$end, ]
    test <- d[(cfg$end + 1):cfg$predict_end, ]
    m <- glm.nb(y ~ trend + wd + cos1 + sin1 + cos2 + sin2, data = train)
    mu <- as.numeric(predict(m, newdata = test, type = "response"))
    bound <- qnbinom(0.99, size = m$theta, mu = mu)
    rows[[length(rows) + 1]] <- rbind(
      data.frame(fit = f - 1, kind = "coef", index = seq_along(coef(m)) - 1, value = as.numeric(coef(m))),
      data.frame(fit = f - 1, kind = "theta", index = 0, value = m$theta),
      data.frame(fit = f - 1, kind = "mu", index = seq_along(mu) - 1, value = mu),
      data.frame(fit = f - 1, kind = "bound", index = seq_along(bound) - 1, value = bound))
  }
  write.csv(do.call(rbind, rows), args[4], row.names = FALSE)
}
