/**
 * Google Cloud's per-region carbon data for 2024.
 *
 * Source: GoogleCloudPlatform/region-carbon-info, `data/yearly/2024.csv` (Apache-2.0), copied
 * unchanged into ../shared/data/region-carbon.csv. `cfe` is Google's hourly carbon-free energy
 * fraction (0.87 = 87 %); `gridGco2PerKwh` is the location-based average grid carbon intensity.
 */
export interface RegionCarbon {
  /** Human-readable location of the region. */
  readonly location: string;
  /** Google carbon-free energy, as a fraction between 0 and 1. */
  readonly cfe: number;
  /** Grid carbon intensity in gCO2eq per kWh (location-based). */
  readonly gridGco2PerKwh: number;
}

export const REGION_CARBON_2024 = {
  "africa-south1": { location: "Johannesburg", cfe: 0.15, gridGco2PerKwh: 656.85 },
  "asia-east1": { location: "Taiwan", cfe: 0.17, gridGco2PerKwh: 439.29 },
  "asia-east2": { location: "Hong Kong", cfe: 0.01, gridGco2PerKwh: 505.02 },
  "asia-northeast1": { location: "Tokyo", cfe: 0.17, gridGco2PerKwh: 452.85 },
  "asia-northeast2": { location: "Osaka", cfe: 0.46, gridGco2PerKwh: 296.19 },
  "asia-northeast3": { location: "Seoul", cfe: 0.37, gridGco2PerKwh: 356.57 },
  "asia-south1": { location: "Mumbai", cfe: 0.09, gridGco2PerKwh: 678.76 },
  "asia-south2": { location: "Delhi", cfe: 0.29, gridGco2PerKwh: 531.83 },
  "asia-southeast1": { location: "Singapore", cfe: 0.04, gridGco2PerKwh: 366.85 },
  "asia-southeast2": { location: "Jakarta", cfe: 0.18, gridGco2PerKwh: 560.55 },
  "australia-southeast1": { location: "Sydney", cfe: 0.34, gridGco2PerKwh: 497.5 },
  "australia-southeast2": { location: "Melbourne", cfe: 0.39, gridGco2PerKwh: 454.37 },
  "europe-central2": { location: "Warsaw", cfe: 0.4, gridGco2PerKwh: 642.88 },
  "europe-north1": { location: "Finland", cfe: 0.98, gridGco2PerKwh: 39.32 },
  "europe-north2": { location: "Stockholm", cfe: 1.0, gridGco2PerKwh: 2.73 },
  "europe-southwest1": { location: "Madrid", cfe: 0.87, gridGco2PerKwh: 89.04 },
  "europe-west1": { location: "Belgium", cfe: 0.84, gridGco2PerKwh: 103.37 },
  "europe-west2": { location: "London", cfe: 0.79, gridGco2PerKwh: 105.94 },
  "europe-west3": { location: "Frankfurt", cfe: 0.68, gridGco2PerKwh: 275.82 },
  "europe-west4": { location: "Eemshaven", cfe: 0.83, gridGco2PerKwh: 208.81 },
  "europe-west6": { location: "Zürich", cfe: 0.98, gridGco2PerKwh: 15.05 },
  "europe-west8": { location: "Milan", cfe: 0.73, gridGco2PerKwh: 201.69 },
  "europe-west9": { location: "Paris", cfe: 0.96, gridGco2PerKwh: 16.3 },
  "europe-west10": { location: "Berlin", cfe: 0.68, gridGco2PerKwh: 275.82 },
  "europe-west12": { location: "Turin", cfe: 0.73, gridGco2PerKwh: 201.69 },
  "me-central1": { location: "Doha", cfe: 0.01, gridGco2PerKwh: 366 },
  "me-central2": { location: "Dammam", cfe: 0.01, gridGco2PerKwh: 382.23 },
  "me-west1": { location: "Tel Aviv", cfe: 0.07, gridGco2PerKwh: 433.75 },
  "northamerica-northeast1": { location: "Montréal", cfe: 0.99, gridGco2PerKwh: 5.48 },
  "northamerica-northeast2": { location: "Toronto", cfe: 0.84, gridGco2PerKwh: 58.56 },
  "northamerica-south1": { location: "Mexico", cfe: 0.19, gridGco2PerKwh: 305.0 },
  "southamerica-east1": { location: "Sāo Paulo", cfe: 0.88, gridGco2PerKwh: 67.32 },
  "southamerica-west1": { location: "Santiago", cfe: 0.92, gridGco2PerKwh: 238.0 },
  "us-central1": { location: "Iowa", cfe: 0.87, gridGco2PerKwh: 412.72 },
  "us-central2": { location: "Oklahoma", cfe: 0.88, gridGco2PerKwh: 372.23 },
  "us-east1": { location: "South Carolina", cfe: 0.31, gridGco2PerKwh: 575.77 },
  "us-east2": { location: "Georgia", cfe: 0.42, gridGco2PerKwh: 340.42 },
  "us-east4": { location: "Northern Virginia", cfe: 0.62, gridGco2PerKwh: 323.05 },
  "us-east5": { location: "Columbus", cfe: 0.62, gridGco2PerKwh: 323.05 },
  "us-south1": { location: "Dallas", cfe: 0.94, gridGco2PerKwh: 302.95 },
  "us-west1": { location: "Oregon", cfe: 0.87, gridGco2PerKwh: 79.23 },
  "us-west2": { location: "Los Angeles", cfe: 0.63, gridGco2PerKwh: 169.28 },
  "us-west3": { location: "Salt Lake City", cfe: 0.33, gridGco2PerKwh: 555.17 },
  "us-west4": { location: "Las Vegas", cfe: 0.64, gridGco2PerKwh: 357.3 },
} as const satisfies Record<string, RegionCarbon>;

export type Region = keyof typeof REGION_CARBON_2024;
