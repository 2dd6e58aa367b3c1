"""Certificates of attendance (deelnamebewijzen), the accreditation details of trainings and the
attendance exports for the professional registers. Above meetings: it reads registrations and
attendance, and answers the signal meetings sends when attendance is saved."""
