/**
 * The fields that say what a log line is about, all snake_case. They are bound once, on a child
 * logger, where a delivery or a job starts (and where an ingest learns its audit_id), so every
 * line written while handling it carries them, lines of the job's GitHub client included.
 */
export const logFields = {
  /** A webhook delivery: its `X-GitHub-Delivery`, and the installation when the payload names one. */
  delivery({ deliveryId, installationId }: { deliveryId: string; installationId: number | undefined }): DeliveryLogFields {
    return installationId === undefined ? { delivery_id: deliveryId } : { delivery_id: deliveryId, installation_id: installationId };
  },
  /** A job run: its id and kind, its installation, and the delivery that caused it (none for work a schedule sent). */
  job({ id, name, installationId, deliveryId }: { id: string; name: string; installationId: unknown; deliveryId: unknown }): JobLogFields {
    const fields: JobLogFields = { job_id: id, job_name: name };
    // Read from the job's stored data, which a refused job may lack.
    if (typeof installationId === "number") fields.installation_id = installationId;
    if (typeof deliveryId === "string") fields.delivery_id = deliveryId;
    return fields;
  },
  /** The digest a line is about, once known. */
  audit(auditId: string): AuditLogFields {
    return { audit_id: auditId };
  },
};

export interface DeliveryLogFields {
  delivery_id: string;
  installation_id?: number;
}

export interface JobLogFields {
  job_id: string;
  job_name: string;
  installation_id?: number;
  delivery_id?: string;
}

export interface AuditLogFields {
  audit_id: string;
}
