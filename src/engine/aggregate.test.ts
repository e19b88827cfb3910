import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { Rng } from '../core/rng.js';
import { bleu } from '../metrics/bleu.js';
import { bootstrapInterval, percentileBounds, sampleIndices } from '../stats/bootstrap.js';
import { clusteredMeanCi } from '../stats/mean-ci.js';
import { buildStatsMatrix, metricScorer } from '../stats/stats-matrix.js';
import { aggregateItems, aggregationRegistry, registerAggregation } from './aggregate.js';
import type { MetricItem } from './task-metrics.js';

// Produced by lm-evaluation-harness's lm_eval/api/metrics.py (4e7e0d4) aggregations and mean_stderr,
// scipy 1.10 t intervals (stats.t.interval with stats.sem) and sklearn 1.2.1, Python 3.11.
const HARNESS = {
  mean_acc: {
    items: [
      1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0,
      1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0
    ],
    value: 0.5405405405405406,
    stderr: 0.08305895907471071,
    ci: [0.37208916391343905, 0.7089919171676421],
    ci90: [0.40031229007286717, 0.6807687910082139],
  },
  mean_ll: {
    items: [
      -0.995479, -2.464608, -0.826857, -1.926067, -1.161142, -2.253127, -2.49209, -5.530563,
      -2.129624, -1.794499, -4.546847, -4.610737, -0.677235, -2.68268, -1.645229, -2.431773,
      -4.347041, -4.718832, -0.908517, -2.406445, -3.851576, -3.921763, -4.184146, -3.300473,
      -1.649198, -1.543216, -3.345359, -1.022867, -5.233755, -2.886779, -1.118444, -4.614545,
      -3.333446, -7.907103, -1.651048, -3.096757, -5.285057, -4.422472, -5.746468, -2.598215,
      -0.769228, -4.904059, -1.375061, -5.554457, -1.938023, -0.954001, -2.150756, -4.368425,
      -7.106508, -1.632292, -2.573011, -1.376209, -2.574622, -4.612639, -4.879079, -6.258259,
      -2.336643, -5.020003, -2.596553, -1.225121, -2.068733, -1.07264, -5.898998, -3.75163, -3.830746,
      -5.730064, -0.495727, -2.447229, -2.050231, -5.45494, -0.920142, -4.735748, -4.881996,
      -2.216662, -1.765295, -7.190869, -1.181214, -1.423557, -4.361922, -3.574074, -3.924665,
      -5.549267, -1.253744, -0.537822, -3.469452, -0.694746, -4.067442, -2.739867, -3.938321,
      -3.279337, -0.192638, -0.585559, -5.782428, -2.381757, -3.118401, -4.451847, -4.194426,
      -1.178143, -3.284534, -1.372331, -2.7498, -1.827758, -0.433768, -1.92809, -1.052114, -1.270908,
      -1.924072, -1.952769, -2.183201, -2.431119, -0.958174, -7.823713, -2.195866, -3.306624,
      -2.942704, -2.79016, -1.48989, -3.420777, -1.427551, -0.924144, -1.884873, -4.600886, -1.585043,
      -3.55605, -0.476231, -1.652638, -2.409231, -2.014376, -8.173186, -3.137616, -1.257171,
      -3.021809, -2.083259, -5.81568, -4.507865, -5.922764, -2.63301, -0.045327, -2.505733, -1.806927,
      -2.335785, -2.493349, -1.598458, -3.164948, -1.30406, -4.003659, -2.779529, -3.197916,
      -1.120861, -3.05933, -2.615374, -10.595678, -3.970728, -5.361454, -3.273618, -0.787806,
      -2.716921, -2.64339, -11.842071, -0.404972, -3.079267, -0.678505, -2.566752, -1.877925,
      -7.397794, -5.524858, -3.986297, -3.71857, -0.882109, -3.916568, -1.068573, -9.314213,
      -1.995265, -0.442265, -1.981161, -0.178315, -2.469804, -2.597485, -2.388781, -0.617721,
      -0.629464, -1.80545, -4.177868, -0.663325, -4.177465, -2.655747, -4.509551, -2.340777,
      -0.127333, -4.721507, -5.703473, -0.598921, -4.055127, -5.484924, -1.162799, -3.056319,
      -2.757548, -8.050616, -2.259037, -1.011699
    ],
    value: -2.9827006699999994,
    stderr: 0.14138635062285843,
    ci: [-3.2615084093782856, -2.703892930621715],
    ci90: [-3.2163482236740815, -2.749053116325919],
  },
  clustered: {
    items: [
      1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0,
      1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0
    ],
    clusters: [
      0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7,
      8, 8, 8, 8, 9
    ],
    value: 0.5405405405405406,
    stderr: 0.06908332582961338,
    ci: [0.3842632001891109, 0.6968178808919703],
  },
  median_odd: {
    items: [
      -0.995479, -2.464608, -0.826857, -1.926067, -1.161142, -2.253127, -2.49209, -5.530563,
      -2.129624, -1.794499, -4.546847, -4.610737, -0.677235, -2.68268, -1.645229, -2.431773,
      -4.347041, -4.718832, -0.908517, -2.406445, -3.851576, -3.921763, -4.184146, -3.300473,
      -1.649198, -1.543216, -3.345359, -1.022867, -5.233755, -2.886779, -1.118444, -4.614545,
      -3.333446, -7.907103, -1.651048, -3.096757, -5.285057, -4.422472, -5.746468, -2.598215,
      -0.769228, -4.904059, -1.375061, -5.554457, -1.938023, -0.954001, -2.150756, -4.368425,
      -7.106508, -1.632292, -2.573011
    ],
    value: -2.573011,
  },
  median_even: {
    items: [
      -0.995479, -2.464608, -0.826857, -1.926067, -1.161142, -2.253127, -2.49209, -5.530563,
      -2.129624, -1.794499, -4.546847, -4.610737, -0.677235, -2.68268, -1.645229, -2.431773,
      -4.347041, -4.718832, -0.908517, -2.406445, -3.851576, -3.921763, -4.184146, -3.300473,
      -1.649198, -1.543216, -3.345359, -1.022867, -5.233755, -2.886779, -1.118444, -4.614545,
      -3.333446, -7.907103, -1.651048, -3.096757, -5.285057, -4.422472, -5.746468, -2.598215,
      -0.769228, -4.904059, -1.375061, -5.554457, -1.938023, -0.954001, -2.150756, -4.368425,
      -7.106508, -1.632292
    ],
    value: -2.49209,
  },
  perplexity: {
    items: [
      -0.995479, -2.464608, -0.826857, -1.926067, -1.161142, -2.253127, -2.49209, -5.530563,
      -2.129624, -1.794499, -4.546847, -4.610737, -0.677235, -2.68268, -1.645229, -2.431773,
      -4.347041, -4.718832, -0.908517, -2.406445, -3.851576, -3.921763, -4.184146, -3.300473,
      -1.649198, -1.543216, -3.345359, -1.022867, -5.233755, -2.886779, -1.118444, -4.614545,
      -3.333446, -7.907103, -1.651048, -3.096757, -5.285057, -4.422472, -5.746468, -2.598215,
      -0.769228, -4.904059, -1.375061, -5.554457, -1.938023, -0.954001, -2.150756, -4.368425,
      -7.106508, -1.632292, -2.573011, -1.376209, -2.574622, -4.612639, -4.879079, -6.258259,
      -2.336643, -5.020003, -2.596553, -1.225121, -2.068733, -1.07264, -5.898998, -3.75163, -3.830746,
      -5.730064, -0.495727, -2.447229, -2.050231, -5.45494, -0.920142, -4.735748, -4.881996,
      -2.216662, -1.765295, -7.190869, -1.181214, -1.423557, -4.361922, -3.574074, -3.924665,
      -5.549267, -1.253744, -0.537822, -3.469452, -0.694746, -4.067442, -2.739867, -3.938321,
      -3.279337, -0.192638, -0.585559, -5.782428, -2.381757, -3.118401, -4.451847, -4.194426,
      -1.178143, -3.284534, -1.372331, -2.7498, -1.827758, -0.433768, -1.92809, -1.052114, -1.270908,
      -1.924072, -1.952769, -2.183201, -2.431119, -0.958174, -7.823713, -2.195866, -3.306624,
      -2.942704, -2.79016, -1.48989, -3.420777, -1.427551, -0.924144, -1.884873, -4.600886, -1.585043,
      -3.55605, -0.476231, -1.652638, -2.409231, -2.014376, -8.173186, -3.137616, -1.257171,
      -3.021809, -2.083259, -5.81568, -4.507865, -5.922764, -2.63301, -0.045327, -2.505733, -1.806927,
      -2.335785, -2.493349, -1.598458, -3.164948, -1.30406, -4.003659, -2.779529, -3.197916,
      -1.120861, -3.05933, -2.615374, -10.595678, -3.970728, -5.361454, -3.273618, -0.787806,
      -2.716921, -2.64339, -11.842071, -0.404972, -3.079267, -0.678505, -2.566752, -1.877925,
      -7.397794, -5.524858, -3.986297, -3.71857, -0.882109, -3.916568, -1.068573, -9.314213,
      -1.995265, -0.442265, -1.981161, -0.178315, -2.469804, -2.597485, -2.388781, -0.617721,
      -0.629464, -1.80545, -4.177868, -0.663325, -4.177465, -2.655747, -4.509551, -2.340777,
      -0.127333, -4.721507, -5.703473, -0.598921, -4.055127, -5.484924, -1.162799, -3.056319,
      -2.757548, -8.050616, -2.259037, -1.011699
    ],
    value: 19.741058802929384,
  },
  weighted_perplexity: {
    items: [
      [-2.986437, 42], [-7.393824, 26], [-2.480571, 9], [-5.778201, 18], [-3.4834259999999997, 17],
      [-6.759381, 24], [-7.47627, 53], [-16.591689, 24], [-6.388872000000001, 50], [-5.383497, 51],
      [-13.640540999999999, 46], [-13.832211000000001, 5], [-2.031705, 55], [-8.04804, 20],
      [-4.935687, 42], [-7.295319000000001, 40], [-13.041122999999999, 55], [-14.156496, 28],
      [-2.7255510000000003, 57], [-7.219335000000001, 50], [-11.554728, 22], [-11.765289, 58],
      [-12.552438, 39], [-9.901419, 24], [-4.947594, 51], [-4.6296479999999995, 59], [-10.036077, 25],
      [-3.068601, 48], [-15.701265000000001, 28], [-8.660337, 13], [-3.3553319999999998, 8],
      [-13.843634999999999, 36], [-10.000338, 29], [-23.721309, 45], [-4.953144, 39], [-9.290271, 23],
      [-15.855171, 33], [-13.267416, 49], [-17.239404, 57], [-7.794645000000001, 52], [-2.307684, 33],
      [-14.712177, 14], [-4.125183, 14], [-16.663371, 25], [-5.814069, 48], [-2.862003, 52],
      [-6.452268, 23], [-13.105275, 25], [-21.319524, 14], [-4.896876000000001, 43],
      [-7.7190330000000005, 10], [-4.128627, 18], [-7.723866000000001, 33], [-13.837917, 58],
      [-14.637236999999999, 43], [-18.774777, 47], [-7.009929, 16], [-15.060009, 47], [-7.789659, 5],
      [-3.675363, 8], [-6.206199, 17], [-3.2179200000000003, 26], [-17.696994, 10], [-11.25489, 6],
      [-11.492238, 19], [-17.190192, 11], [-1.4871809999999999, 44], [-7.341687, 13], [-6.150693, 45],
      [-16.364819999999998, 25], [-2.760426, 28], [-14.207244, 34], [-14.645988, 31], [-6.649986, 7],
      [-5.295885, 23], [-21.572607, 54], [-3.543642, 59], [-4.270671, 58], [-13.085766, 58],
      [-10.722222, 40], [-11.773995, 58], [-16.647801, 12], [-3.7612319999999997, 24], [-1.613466,
      38], [-10.408356, 38], [-2.084238, 38], [-12.202326, 20], [-8.219600999999999, 47], [-11.814963,
      34], [-9.838011, 39], [-0.577914, 12], [-1.7566770000000003, 30], [-17.347284000000002, 6],
      [-7.145270999999999, 25], [-9.355203, 11], [-13.355540999999999, 36], [-12.583278, 7],
      [-3.534429, 23], [-9.853601999999999, 48], [-4.116993, 37], [-8.2494, 52], [-5.483274, 8],
      [-1.301304, 42], [-5.78427, 49], [-3.156342, 27], [-3.812724, 38], [-5.772216, 47], [-5.858307,
      43], [-6.549602999999999, 27], [-7.293356999999999, 56], [-2.874522, 22], [-23.471139, 20],
      [-6.587598, 58], [-9.919872, 43], [-8.828112, 34], [-8.37048, 34], [-4.46967, 15], [-10.262331,
      35], [-4.282653, 58], [-2.772432, 45], [-5.654619, 57], [-13.802658000000001, 41], [-4.755129,
      42], [-10.66815, 19], [-1.428693, 50], [-4.957914000000001, 34], [-7.227693, 45],
      [-6.043127999999999, 44], [-24.519557999999996, 10], [-9.412848, 49], [-3.771513, 29],
      [-9.065427, 24], [-6.249777, 46], [-17.44704, 51], [-13.523595, 40], [-17.768292, 43],
      [-7.89903, 6], [-0.135981, 7], [-7.517199000000001, 59], [-5.420781, 36], [-7.0073550000000004,
      45], [-7.480046999999999, 50], [-4.795374, 9], [-9.494844, 59], [-3.91218, 14], [-12.010977,
      58], [-8.338587, 59], [-9.593748000000001, 36], [-3.3625830000000003, 33], [-9.177990000000001,
      47], [-7.846122, 55], [-31.787034, 41], [-11.912184, 28], [-16.084362, 16], [-9.820854, 19],
      [-2.3634180000000002, 42], [-8.150763000000001, 10], [-7.93017, 39], [-35.526213, 32],
      [-1.214916, 21], [-9.237801000000001, 8], [-2.035515, 30], [-7.700256, 33], [-5.633775, 38],
      [-22.193382, 57], [-16.574574, 56], [-11.958891, 23], [-11.155710000000001, 34],
      [-2.6463270000000003, 21], [-11.749704, 35], [-3.205719, 10], [-27.942639, 21], [-5.985795, 15],
      [-1.3267950000000002, 51], [-5.943483, 17], [-0.534945, 53], [-7.409412, 30],
      [-7.7924549999999995, 44], [-7.1663429999999995, 36], [-1.853163, 5], [-1.888392, 9],
      [-5.4163499999999996, 26], [-12.533604, 49], [-1.9899750000000003, 17], [-12.532395, 31],
      [-7.967241, 47], [-13.528653, 43], [-7.022331, 50], [-0.381999, 46], [-14.164521, 8],
      [-17.110419, 33], [-1.796763, 50], [-12.165381, 8], [-16.454772000000002, 34], [-3.488397, 15],
      [-9.168956999999999, 53], [-8.272644, 21], [-24.151848, 53], [-6.7771110000000006, 52],
      [-3.0350969999999995, 54]
    ],
    value: 1.3045750348277774,
  },
  bits_per_byte: {
    items: [
      [-2.986437, 42], [-7.393824, 26], [-2.480571, 9], [-5.778201, 18], [-3.4834259999999997, 17],
      [-6.759381, 24], [-7.47627, 53], [-16.591689, 24], [-6.388872000000001, 50], [-5.383497, 51],
      [-13.640540999999999, 46], [-13.832211000000001, 5], [-2.031705, 55], [-8.04804, 20],
      [-4.935687, 42], [-7.295319000000001, 40], [-13.041122999999999, 55], [-14.156496, 28],
      [-2.7255510000000003, 57], [-7.219335000000001, 50], [-11.554728, 22], [-11.765289, 58],
      [-12.552438, 39], [-9.901419, 24], [-4.947594, 51], [-4.6296479999999995, 59], [-10.036077, 25],
      [-3.068601, 48], [-15.701265000000001, 28], [-8.660337, 13], [-3.3553319999999998, 8],
      [-13.843634999999999, 36], [-10.000338, 29], [-23.721309, 45], [-4.953144, 39], [-9.290271, 23],
      [-15.855171, 33], [-13.267416, 49], [-17.239404, 57], [-7.794645000000001, 52], [-2.307684, 33],
      [-14.712177, 14], [-4.125183, 14], [-16.663371, 25], [-5.814069, 48], [-2.862003, 52],
      [-6.452268, 23], [-13.105275, 25], [-21.319524, 14], [-4.896876000000001, 43],
      [-7.7190330000000005, 10], [-4.128627, 18], [-7.723866000000001, 33], [-13.837917, 58],
      [-14.637236999999999, 43], [-18.774777, 47], [-7.009929, 16], [-15.060009, 47], [-7.789659, 5],
      [-3.675363, 8], [-6.206199, 17], [-3.2179200000000003, 26], [-17.696994, 10], [-11.25489, 6],
      [-11.492238, 19], [-17.190192, 11], [-1.4871809999999999, 44], [-7.341687, 13], [-6.150693, 45],
      [-16.364819999999998, 25], [-2.760426, 28], [-14.207244, 34], [-14.645988, 31], [-6.649986, 7],
      [-5.295885, 23], [-21.572607, 54], [-3.543642, 59], [-4.270671, 58], [-13.085766, 58],
      [-10.722222, 40], [-11.773995, 58], [-16.647801, 12], [-3.7612319999999997, 24], [-1.613466,
      38], [-10.408356, 38], [-2.084238, 38], [-12.202326, 20], [-8.219600999999999, 47], [-11.814963,
      34], [-9.838011, 39], [-0.577914, 12], [-1.7566770000000003, 30], [-17.347284000000002, 6],
      [-7.145270999999999, 25], [-9.355203, 11], [-13.355540999999999, 36], [-12.583278, 7],
      [-3.534429, 23], [-9.853601999999999, 48], [-4.116993, 37], [-8.2494, 52], [-5.483274, 8],
      [-1.301304, 42], [-5.78427, 49], [-3.156342, 27], [-3.812724, 38], [-5.772216, 47], [-5.858307,
      43], [-6.549602999999999, 27], [-7.293356999999999, 56], [-2.874522, 22], [-23.471139, 20],
      [-6.587598, 58], [-9.919872, 43], [-8.828112, 34], [-8.37048, 34], [-4.46967, 15], [-10.262331,
      35], [-4.282653, 58], [-2.772432, 45], [-5.654619, 57], [-13.802658000000001, 41], [-4.755129,
      42], [-10.66815, 19], [-1.428693, 50], [-4.957914000000001, 34], [-7.227693, 45],
      [-6.043127999999999, 44], [-24.519557999999996, 10], [-9.412848, 49], [-3.771513, 29],
      [-9.065427, 24], [-6.249777, 46], [-17.44704, 51], [-13.523595, 40], [-17.768292, 43],
      [-7.89903, 6], [-0.135981, 7], [-7.517199000000001, 59], [-5.420781, 36], [-7.0073550000000004,
      45], [-7.480046999999999, 50], [-4.795374, 9], [-9.494844, 59], [-3.91218, 14], [-12.010977,
      58], [-8.338587, 59], [-9.593748000000001, 36], [-3.3625830000000003, 33], [-9.177990000000001,
      47], [-7.846122, 55], [-31.787034, 41], [-11.912184, 28], [-16.084362, 16], [-9.820854, 19],
      [-2.3634180000000002, 42], [-8.150763000000001, 10], [-7.93017, 39], [-35.526213, 32],
      [-1.214916, 21], [-9.237801000000001, 8], [-2.035515, 30], [-7.700256, 33], [-5.633775, 38],
      [-22.193382, 57], [-16.574574, 56], [-11.958891, 23], [-11.155710000000001, 34],
      [-2.6463270000000003, 21], [-11.749704, 35], [-3.205719, 10], [-27.942639, 21], [-5.985795, 15],
      [-1.3267950000000002, 51], [-5.943483, 17], [-0.534945, 53], [-7.409412, 30],
      [-7.7924549999999995, 44], [-7.1663429999999995, 36], [-1.853163, 5], [-1.888392, 9],
      [-5.4163499999999996, 26], [-12.533604, 49], [-1.9899750000000003, 17], [-12.532395, 31],
      [-7.967241, 47], [-13.528653, 43], [-7.022331, 50], [-0.381999, 46], [-14.164521, 8],
      [-17.110419, 33], [-1.796763, 50], [-12.165381, 8], [-16.454772000000002, 34], [-3.488397, 15],
      [-9.168956999999999, 53], [-8.272644, 21], [-24.151848, 53], [-6.7771110000000006, 52],
      [-3.0350969999999995, 54]
    ],
    value: 0.3835799255740772,
  },
  f1: {
    items: [
      [0, 0], [1, 1], [0, 1], [1, 1], [0, 0], [1, 0], [0, 0], [1, 0], [1, 1], [0, 0], [0, 0], [1, 1],
      [0, 0], [0, 0], [1, 1], [0, 1], [0, 0], [0, 0], [1, 0], [1, 1], [0, 1], [0, 1], [1, 1], [0, 0],
      [1, 1], [0, 1], [0, 1], [1, 1], [1, 1], [1, 0], [1, 1], [0, 0], [0, 1], [1, 1], [1, 0], [0, 0],
      [1, 1], [1, 0], [1, 0], [1, 1], [1, 1], [0, 0], [0, 1], [1, 1], [1, 1], [0, 0], [0, 0], [0, 1],
      [1, 0], [0, 0], [0, 1], [0, 0], [0, 1], [1, 0], [1, 1], [0, 1], [0, 1], [0, 1], [1, 1], [1, 1],
      [0, 0], [1, 0], [0, 0], [0, 0], [1, 1], [1, 1], [1, 1], [1, 1], [1, 0], [1, 1], [1, 0], [0, 1],
      [0, 1], [0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [0, 1], [0, 0], [0, 0], [0, 1], [1, 0], [0, 0],
      [0, 0], [1, 1], [1, 1], [1, 1], [0, 1], [0, 1], [1, 1], [0, 0], [0, 0], [1, 1], [0, 1], [1, 1],
      [1, 1], [0, 0], [1, 1], [1, 0], [1, 0], [0, 0], [0, 0], [0, 0], [1, 0], [1, 0], [1, 1], [0, 0],
      [0, 1], [1, 1], [0, 0], [0, 0], [1, 0], [1, 1], [1, 0], [1, 0], [0, 0], [1, 1], [1, 1], [0, 1]
    ],
    value: 0.6504065040650407,
  },
  mcc: {
    items: [
      [3, 0], [0, 0], [1, 1], [2, 0], [3, 1], [1, 2], [2, 2], [1, 1], [0, 0], [2, 0], [1, 1], [2, 2],
      [3, 3], [2, 2], [1, 1], [3, 3], [0, 3], [0, 0], [2, 0], [3, 2], [1, 1], [3, 3], [3, 3], [1, 3],
      [0, 0], [0, 0], [3, 3], [3, 3], [3, 3], [2, 2], [1, 1], [2, 1], [3, 3], [1, 1], [2, 3], [0, 2],
      [2, 2], [0, 0], [1, 1], [0, 3], [2, 2], [1, 0], [1, 1], [0, 0], [2, 2], [0, 1], [1, 1], [3, 2],
      [0, 0], [1, 1], [1, 1], [3, 3], [0, 0], [0, 2], [3, 3], [2, 2], [3, 3], [0, 0], [2, 2], [0, 0],
      [3, 2], [3, 3], [2, 0], [1, 0], [0, 0], [1, 1], [3, 3], [1, 1], [0, 3], [2, 3], [2, 2], [1, 3],
      [3, 3], [2, 2], [3, 3], [3, 3], [0, 0], [3, 3], [1, 1], [3, 3], [1, 2], [3, 2], [2, 2], [3, 2],
      [1, 1], [3, 3], [1, 3], [2, 2], [1, 1], [3, 2], [1, 3], [3, 3], [2, 2], [3, 1], [1, 0], [3, 3],
      [3, 2], [2, 2], [2, 2], [1, 1], [1, 0], [0, 0], [0, 3], [0, 0], [0, 1], [2, 2], [1, 1], [3, 0],
      [0, 0], [3, 3], [0, 0], [1, 0], [1, 1], [0, 1], [0, 0], [0, 0], [0, 0], [1, 1], [3, 3], [2, 2],
      [3, 1], [2, 2], [2, 2], [0, 1], [2, 2], [0, 2], [2, 2], [3, 3], [1, 0], [0, 3], [3, 1], [3, 3],
      [3, 3], [0, 2], [2, 3], [3, 2], [3, 0], [3, 1], [1, 0], [3, 3], [1, 1], [3, 3], [3, 3], [3, 3],
      [0, 1], [1, 1], [0, 0], [2, 3], [1, 1], [3, 1]
    ],
    value: 0.5276161892372366,
  },
  f1_zero: {
    items: [[0, 0], [0, 0]],
    value: 0.0,
  },
  mcc_const: {
    items: [[1, 1], [1, 1], [0, 1]],
    value: 0.0,
  },
  boot_perplexity_se: 3.049861090683815,
  boot_median_se: 0.3418486346870231,
};

const items = (xs: readonly (number | readonly number[])[]): MetricItem[] => xs as MetricItem[];
const close = (actual: number | null, expected: number, rel = 1e-9): void => {
  expect(actual).not.toBeNull();
  expect(closeTo(actual as number, expected, rel), `${actual} vs ${expected}`).toBe(true);
};

describe('mean: harness value and mean_stderr, scipy t interval', () => {
  it('0/1 items: harness mean_stderr with the Wilson interval (statsmodels proportion_confint)', () => {
    const c = HARNESS.mean_acc;
    const out = aggregateItems('mean', items(c.items), { seed: 1 });
    expect(out.value).toBe(c.value);
    close(out.stderr, c.stderr);
    // statsmodels 0.13.5: proportion_confint(20, 37, alpha, 'wilson') at alpha 0.05 and 0.10.
    close(out.ciLow, 0.3838404689217949);
    close(out.ciHigh, 0.6896143019562697);
    expect(out).toMatchObject({ n: 37, method: 'wilson', seed: null });
    const at90 = aggregateItems('mean', items(c.items), { seed: 1, confidence: 0.9 });
    close(at90.ciLow, 0.4076601196035863);
    close(at90.ciHigh, 0.6678960808415324);
  });

  it.each([['mean_ll']] as const)('%s', (key) => {
    const c = HARNESS[key];
    const out = aggregateItems('mean', items(c.items), { seed: 1 });
    expect(out.value).toBe(c.value);
    close(out.stderr, c.stderr);
    close(out.ciLow, c.ci[0]);
    close(out.ciHigh, c.ci[1]);
    expect(out).toMatchObject({ n: c.items.length, method: 't', seed: null });
    const at90 = aggregateItems('mean', items(c.items), { seed: 1, confidence: 0.9 });
    close(at90.ciLow, c.ci90[0]);
    close(at90.ciHigh, c.ci90[1]);
  });

  it('clusters give the cluster-robust SE (CR1) with a t interval on G-1 df', () => {
    const c = HARNESS.clustered;
    const out = aggregateItems('mean', items(c.items), { seed: 1, clusters: c.clusters });
    expect(out.value).toBe(c.value);
    close(out.stderr, c.stderr);
    close(out.ciLow, c.ci[0]);
    close(out.ciHigh, c.ci[1]);
    expect(out.method).toBe('clustered-t');
    const direct = clusteredMeanCi([...c.items], c.clusters);
    expect(out.stderr).toBe(direct.standardError);
  });

  it('one item, one cluster or bootstrapIters 0: no uncertainty', () => {
    const none = { stderr: null, ciLow: null, ciHigh: null, method: 'none', seed: null };
    expect(aggregateItems('mean', [0.25], { seed: 3 })).toEqual({ value: 0.25, n: 1, ...none });
    expect(aggregateItems('mean', [1, 0, 1], { seed: 3, clusters: ['a', 'a', 'a'] })).toEqual({ value: 2 / 3, n: 3, ...none });
    expect(aggregateItems('perplexity', [-1, -2], { seed: 3, bootstrapIters: 0 })).toEqual({ value: Math.exp(1.5), n: 2, ...none });
    expect(aggregateItems('mean', [1, Number.NaN], { seed: 3 })).toEqual({ value: Number.NaN, n: 2, ...none });
  });
});

describe('other harness aggregations: value', () => {
  it.each([
    ['median', 'median_odd'],
    ['median', 'median_even'],
    ['perplexity', 'perplexity'],
    ['weighted_perplexity', 'weighted_perplexity'],
    ['bits_per_byte', 'bits_per_byte'],
    ['f1', 'f1'],
    ['f1', 'f1_zero'],
    ['matthews_corrcoef', 'mcc'],
    ['matthews_corrcoef', 'mcc_const'],
  ] as const)('%s (%s)', (aggregation, key) => {
    const c = HARNESS[key];
    const out = aggregateItems(aggregation, items(c.items), { seed: 7, bootstrapIters: 200 });
    close(out.value, c.value);
    expect(out.n).toBe(c.items.length);
    expect(out.method).toBe('bootstrap-percentile');
    expect(out.seed).toBe(7);
  });

  it('f1 of numbers (SQuAD token F1 from generate_until) is their mean with a t interval', () => {
    const out = aggregateItems('f1', [1, 0.5, 0], { seed: 1 });
    expect(out).toMatchObject({ value: 0.5, method: 't' });
    close(out.stderr, 0.28867513459481287);
  });

  it('brier_score is the numpy mean of per-document scores', () => {
    expect(aggregateItems('brier_score', [0.5, 0.25, 0.125], { seed: 1 }).value).toBe(0.2916666666666667);
  });

  it('sklearn binary f1 refuses multiclass labels', () => {
    expect(() => aggregateItems('f1', [[0, 1], [2, 1]], { seed: 1 })).toThrowError(
      'aggregation "f1": the (gold, prediction) labels are multiclass (0, 1, 2); sklearn\'s binary f1 needs at most two labels',
    );
  });
});

interface CorpusLine {
  id: string;
  level?: string;
  hyps: string[];
  refs: string[][];
  options: Record<string, unknown>;
  expected: { score: number };
}

describe('bleu / chrf / ter: sacrebleu corpus scores with default options', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['bleu', 'bleu.jsonl', { tokenize: '13a', smooth_method: 'exp', smooth_value: null, lowercase: false }],
    ['chrf', 'chrf.jsonl', { char_order: 6, word_order: 0, beta: 2, lowercase: false, whitespace: false, eps_smoothing: false }],
    ['ter', 'ter.jsonl', { normalized: false, no_punct: false, asian_support: false, case_sensitive: false }],
  ];
  for (const [aggregation, file, defaults] of cases) {
    const lines = readJsonl<CorpusLine>('reference', 'metrics', file).filter(
      (l) => (l.level ?? 'corpus') === 'corpus' && Object.entries(defaults).every(([k, v]) => l.options[k] === v),
    );
    it(`${aggregation}: ${lines.length} corpus vectors`, () => {
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) {
        const corpus = line.hyps.map((hyp, i): MetricItem => (line.refs.length === 1 ? [line.refs[0][i], hyp] : [line.refs.map((s) => s[i]), hyp]));
        const out = aggregateItems(aggregation, corpus, { seed: 5, bootstrapIters: 0 });
        close(out.value, line.expected.score);
      }
    });
  }

  it('bootstraps the per-segment statistics (same numbers as bootstrapInterval on them)', () => {
    const line = readJsonl<CorpusLine>('reference', 'metrics', 'bleu.jsonl').find((l) => l.options.tokenize === '13a' && l.options.smooth_method === 'exp' && l.refs.length === 1 && l.hyps.length >= 50) as CorpusLine;
    const corpus = line.hyps.map((hyp, i): MetricItem => [line.refs[0][i], hyp]);
    const out = aggregateItems('bleu', corpus, { seed: 11, bootstrapIters: 300 });
    const opts = bleu.resolveOptions({});
    const direct = bootstrapInterval(buildStatsMatrix(bleu, line.hyps, line.refs, opts), metricScorer(bleu, opts), { seed: 11, resamples: 300, method: 'percentile' });
    expect(out).toEqual({ value: out.value, n: line.hyps.length, stderr: direct.standardError, ciLow: direct.low, ciHigh: direct.high, method: 'bootstrap-percentile', seed: 11 });
    close(out.value, line.expected.score);
  });

  it('multiple references per item keep as many references as the item with fewest (the harness zips them)', () => {
    const a: MetricItem = [['the cat sat on the mat', 'a cat sat on the mat'], 'a cat sat on the mat'];
    const b: MetricItem = [['we went to the park today', 'we walked to the park today'], 'we walked to the park today'];
    const two = aggregateItems('bleu', [a, b], { seed: 1, bootstrapIters: 0 });
    const ragged = aggregateItems('bleu', [a, ['we went to the park today', 'we walked to the park today']], { seed: 1, bootstrapIters: 0 });
    const first = aggregateItems('bleu', [['the cat sat on the mat', 'a cat sat on the mat'], ['we went to the park today', 'we walked to the park today']], { seed: 1, bootstrapIters: 0 });
    expect(two.value).toBe(100.00000000000004); // sacrebleu's own value for a perfect match
    expect(first.value).not.toBe(100);
    expect(ragged.value).toBe(first.value);
  });
});

describe('bootstrap', () => {
  it('median: resamples items with the seeded stream, SD (ddof 1) and percentile interval', () => {
    const xs = HARNESS.median_odd.items;
    const out = aggregateItems('median', items(xs), { seed: 99, bootstrapIters: 400 });
    const rng = new Rng(99);
    const idx = new Int32Array(xs.length);
    const reps: number[] = [];
    for (let r = 0; r < 400; r++) {
      sampleIndices(rng, xs.length, idx);
      const s = Array.from(idx, (i) => xs[i]).sort((a, b) => a - b);
      reps.push(s[Math.floor(s.length / 2)]);
    }
    const m = reps.reduce((a, b) => a + b, 0) / reps.length;
    const sd = Math.sqrt(reps.reduce((a, b) => a + (b - m) ** 2, 0) / (reps.length - 1));
    const [low, high] = percentileBounds(reps, 0.95);
    expect(out).toEqual({ value: HARNESS.median_odd.value, n: 51, stderr: sd, ciLow: low, ciHigh: high, method: 'bootstrap-percentile', seed: 99 });
  });

  it('the standard error agrees with the harness bootstrap_stderr within Monte-Carlo error (different RNG)', () => {
    // 1000 resamples: the SD estimate has ~2.2 % relative error each; allow 10 % (perplexity), 15 % (median).
    close(aggregateItems('perplexity', items(HARNESS.perplexity.items), { seed: 2024 }).stderr, HARNESS.boot_perplexity_se, 0.1);
    close(aggregateItems('median', items(HARNESS.median_odd.items), { seed: 2024 }).stderr, HARNESS.boot_median_se, 0.15);
  });

  it('cluster bootstrap resamples clusters of summed statistics', () => {
    const pairs = HARNESS.weighted_perplexity.items.slice(0, 40);
    const clusters = pairs.map((_, i) => `doc${i % 10}`);
    const out = aggregateItems('weighted_perplexity', items(pairs), { seed: 4, bootstrapIters: 250, clusters });
    const rows = Array.from({ length: 10 }, (_, u) => pairs.filter((_, i) => i % 10 === u).reduce((a, p) => [a[0] + p[0], a[1] + p[1]], [0, 0]));
    const direct = bootstrapInterval({ n: 10, k: 2, data: Float64Array.from(rows.flat()) }, (s) => Math.exp(-(s[0] / s[1])), { seed: 4, resamples: 250, method: 'percentile' });
    expect(out).toMatchObject({ stderr: direct.standardError, ciLow: direct.low, ciHigh: direct.high, method: 'cluster-bootstrap-percentile', seed: 4 });
    close(out.value, Math.exp(-(pairs.reduce((a, p) => a + p[0], 0) / pairs.reduce((a, p) => a + p[1], 0))));
  });

  it('is reproducible from the seed', () => {
    const a = aggregateItems('perplexity', items(HARNESS.perplexity.items), { seed: 8, bootstrapIters: 100 });
    const b = aggregateItems('perplexity', items(HARNESS.perplexity.items), { seed: 8, bootstrapIters: 100 });
    expect(b).toEqual(a);
  });
});

describe('errors and plug-ins', () => {
  it('no items is an InputError', () => {
    expect(() => aggregateItems('mean', [], { seed: 1 })).toThrowError(
      expect.objectContaining({ code: 'INPUT', message: 'aggregation "mean": no items to aggregate (every document failed or the task has none)' }),
    );
  });

  it('an unknown aggregation names the closest', () => {
    expect(() => aggregateItems('perplexty', [1], { seed: 1 })).toThrowError(expect.objectContaining({ code: 'UNKNOWN_NAME', message: expect.stringContaining('perplexity') }));
  });

  it('item shapes and options are checked', () => {
    expect(() => aggregateItems('mean', [[1, 2]], { seed: 1 })).toThrowError('aggregation "mean": item 1 is [1,2], expected a number');
    expect(() => aggregateItems('bits_per_byte', [1], { seed: 1 })).toThrowError('aggregation "bits_per_byte": item 1 is 1, expected a pair of numbers');
    expect(() => aggregateItems('mean', [1, 2], { seed: 1, clusters: ['a'] })).toThrowError('aggregate: clusters must have one key per item (2), got 1');
    expect(() => aggregateItems('mean', [1, 2], { seed: -1 })).toThrowError('aggregate: seed must be an integer in [0, 2^32), got -1');
  });

  it('a plug-in aggregation is bootstrapped over its items', () => {
    registerAggregation('max_item', (xs) => Math.max(...(xs as number[])));
    expect(aggregationRegistry.has('max_item')).toBe(true);
    const out = aggregateItems('max_item', [1, 5, 3], { seed: 6, bootstrapIters: 50 });
    expect(out).toMatchObject({ value: 5, n: 3, method: 'bootstrap-percentile', seed: 6, ciHigh: 5 });
  });
});

describe('meanInterval: bootstrap', () => {
  it('keeps the harness stderr and takes the percentile bootstrap of the mean (the same draws as any item aggregation)', () => {
    const xs = [1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1];
    const analytic = aggregateItems('mean', xs, { seed: 9, bootstrapIters: 500 });
    const boot = aggregateItems('mean', xs, { seed: 9, bootstrapIters: 500, meanInterval: 'bootstrap' });
    // A plug-in aggregation computing the same mean is bootstrapped over items with the same seed.
    registerAggregation('test_plain_mean', (items) => (items as number[]).reduce((a, b) => a + b, 0) / items.length, { replace: true });
    const plain = aggregateItems('test_plain_mean', xs, { seed: 9, bootstrapIters: 500 });
    expect(boot).toEqual({ value: analytic.value, n: 15, stderr: analytic.stderr, ciLow: plain.ciLow, ciHigh: plain.ciHigh, method: 'bootstrap-percentile', seed: 9 });
    expect(analytic.method).toBe('wilson');
  });

  it('with clusters: the clustered stderr and a cluster bootstrap', () => {
    const xs = [1, 0, 1, 1, 0, 1];
    const clusters = ['a', 'a', 'b', 'b', 'c', 'c'];
    const boot = aggregateItems('mean', xs, { seed: 3, bootstrapIters: 200, clusters, meanInterval: 'bootstrap' });
    const analytic = aggregateItems('mean', xs, { seed: 3, bootstrapIters: 200, clusters });
    expect([boot.stderr, boot.method, boot.seed]).toEqual([analytic.stderr, 'cluster-bootstrap-percentile', 3]);
  });
});
