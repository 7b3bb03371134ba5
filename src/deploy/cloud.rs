//! Netlify, Cloudflare Access and S3 + CloudFront: hosts that cannot run here, so their
//! files are checked against the hosts' documented formats (snapshot and structural tests).

use anyhow::{Result, bail};

use super::{Deployment, Generated};

pub fn netlify(_d: &Deployment) -> Result<Generated> {
    bail!("netlify: in progress")
}

pub fn cloudflare(_d: &Deployment) -> Result<Generated> {
    bail!("cloudflare: in progress")
}

pub fn cloudfront(_d: &Deployment) -> Result<Generated> {
    bail!("cloudfront: in progress")
}
