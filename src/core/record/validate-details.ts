// Validation of ResultRecord.details: the typed kinds (calibration, colour inversion, confusion matrices) are
// checked field by field; other kinds pass through untouched because no view reads them without its own checks.

import { array, boolean, integer, number, object, oneOf, RecordError, string } from './checks.ts';
import type {
  CalibrationDetail,
  ColourInversionDetail,
  DiffusionDetail,
  RecordDetails,
  ReliabilityBin,
} from './types.ts';

const MAX_BINS = 1_000;

export function validateDetails(
  x: unknown,
  field: string,
  modelIds: Set<string>,
  datasets: Set<string>,
  classCounts?: ReadonlyMap<string, number>,
): RecordDetails {
  const o = object(x, field);
  const details: RecordDetails = { ...o };
  if (o.calibration !== undefined) {
    details.calibration = perModelAndDataset(
      o.calibration,
      `${field}.calibration`,
      modelIds,
      datasets,
      validateCalibrationDetail,
    );
  }
  if (o.colourInversion !== undefined) {
    details.colourInversion = perModelAndDataset(
      o.colourInversion,
      `${field}.colourInversion`,
      modelIds,
      datasets,
      validateInversionDetail,
    );
  }
  if (o.confusion !== undefined) {
    details.confusion = perModelAndDataset(
      o.confusion,
      `${field}.confusion`,
      modelIds,
      datasets,
      (m, at, dataset) => validateConfusionMatrix(m, at, classCounts?.get(dataset)),
    );
  }
  if (o.diffusion !== undefined) {
    details.diffusion = perModelAndDataset(
      o.diffusion,
      `${field}.diffusion`,
      modelIds,
      datasets,
      validateDiffusionDetail,
    );
  }
  return details;
}

/** details.<kind>[modelId][datasetName], keys checked against the record's models and datasets. */
function perModelAndDataset<T>(
  x: unknown,
  field: string,
  modelIds: Set<string>,
  datasets: Set<string>,
  validate: (x: unknown, field: string, dataset: string) => T,
): Record<string, Record<string, T>> {
  const byModel = object(x, field);
  return Object.fromEntries(
    Object.entries(byModel).map(([model, perDataset]) => {
      if (!modelIds.has(model)) throw new RecordError(field, `'${model}' is not one of the record's models`);
      const byDataset = object(perDataset, `${field}.${model}`);
      const entries = Object.entries(byDataset).map(([dataset, detail]) => {
        if (!datasets.has(dataset)) {
          throw new RecordError(`${field}.${model}`, `'${dataset}' is not one of the record's datasets`);
        }
        return [dataset, validate(detail, `${field}.${model}.${dataset}`, dataset)] as const;
      });
      return [model, Object.fromEntries(entries)] as const;
    }),
  );
}

/** Images one diffusion result may list (the run samples 20 by default; 100,000 is the settings' cap). */
const MAX_DIFFUSION_IMAGES = 100_000;

/** Attentive diffusion of one (model, dataset): the setting and each image's % above its map's mean. */
function validateDiffusionDetail(x: unknown, field: string): DiffusionDetail {
  const o = object(x, field);
  return {
    stride: integer(o.stride, `${field}.stride`, 1, 64),
    occluder: integer(o.occluder, `${field}.occluder`, 1, 64),
    fill: oneOf(o.fill, `${field}.fill`, ['normalised-zero', 'black'] as const),
    crop: integer(o.crop, `${field}.crop`, 1, 100_000),
    side: integer(o.side, `${field}.side`, 1, 100_000),
    isPaperSetting: boolean(o.isPaperSetting, `${field}.isPaperSetting`),
    perImage: array(o.perImage, `${field}.perImage`, MAX_DIFFUSION_IMAGES).map((p, i) => {
      const item = object(p, `${field}.perImage[${i}]`);
      return {
        key: string(item.key, `${field}.perImage[${i}].key`, 1_000),
        diffusion: number(item.diffusion, `${field}.perImage[${i}].diffusion`, 0, 100),
      };
    }),
  };
}

const MAX_LOSS_POINTS = 10_000;
const MAX_MSE = 255 * 255;

function validateInversionDetail(x: unknown, field: string): ColourInversionDetail {
  const o = object(x, field);
  const mse = object(o.mse, `${field}.mse`);
  return {
    imageKey: string(o.imageKey, `${field}.imageKey`, 1_000),
    steps: integer(o.steps, `${field}.steps`, 0, 1_000_000),
    learningRate: number(o.learningRate, `${field}.learningRate`, 0, 1e3),
    mse: {
      r: number(mse.r, `${field}.mse.r`, 0, MAX_MSE),
      g: number(mse.g, `${field}.mse.g`, 0, MAX_MSE),
      b: number(mse.b, `${field}.mse.b`, 0, MAX_MSE),
    },
    losses: array(o.losses, `${field}.losses`, MAX_LOSS_POINTS).map((p, i) => {
      const point = object(p, `${field}.losses[${i}]`);
      return {
        step: integer(point.step, `${field}.losses[${i}].step`, 0, 1_000_000),
        loss: number(point.loss, `${field}.losses[${i}].loss`, 0, 1e12),
      };
    }),
  };
}

function validateCalibrationDetail(x: unknown, field: string): CalibrationDetail {
  const o = object(x, field);
  return {
    before: validateBins(o.before, `${field}.before`),
    after: validateBins(o.after, `${field}.after`),
    eceBefore: number(o.eceBefore, `${field}.eceBefore`, 0, 1),
    eceAfter: number(o.eceAfter, `${field}.eceAfter`, 0, 1),
    temperature: number(o.temperature, `${field}.temperature`, Number.MIN_VALUE, 1e6),
  };
}

function validateBins(x: unknown, field: string): ReliabilityBin[] {
  return array(x, field, MAX_BINS).map((b, i) => {
    const o = object(b, `${field}[${i}]`);
    return {
      confidence: number(o.confidence, `${field}[${i}].confidence`, 0, 1),
      accuracy: number(o.accuracy, `${field}[${i}].accuracy`, 0, 1),
      count: integer(o.count, `${field}[${i}].count`, 0, Number.MAX_SAFE_INTEGER),
    };
  });
}

/** A confusion matrix as large as this is not a view anyone can read, and would bloat a record file. */
export const MAX_CONFUSION_CLASSES = 1_000;

/** Square, one row and column per class of the dataset, non-negative whole counts. */
export function validateConfusionMatrix(x: unknown, field: string, classes: number | undefined): number[][] {
  const rows = array(x, field, MAX_CONFUSION_CLASSES);
  if (classes !== undefined && rows.length !== classes) {
    throw new RecordError(field, `has ${rows.length} rows but the dataset has ${classes} classes`);
  }
  return rows.map((row, i) => {
    const cells = array(row, `${field}[${i}]`, MAX_CONFUSION_CLASSES);
    if (cells.length !== rows.length) {
      throw new RecordError(
        `${field}[${i}]`,
        `has ${cells.length} columns, expected ${rows.length} (square)`,
      );
    }
    return cells.map((c, j) => integer(c, `${field}[${i}][${j}]`, 0, Number.MAX_SAFE_INTEGER));
  });
}
