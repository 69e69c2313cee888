export declare function crashVector(id: number, dim: number): number[];
